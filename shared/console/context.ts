/** The services every page uses, given once by the app: configuration, session and API client. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api';
import type { ConsoleConfig } from './config';
import type { Person, Session } from './session';

export interface Services {
  config: ConsoleConfig;
  session: Session;
  api: Api;
  person: Person | undefined;
}

export const ServicesContext = createContext<Services | undefined>(undefined);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside <ServicesContext.Provider>');
  return services;
}
