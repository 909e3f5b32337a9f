/// <reference lib="dom" />
/** Entry of the console bundle: reads config.json beside the page, then renders the app. */
import { render } from 'preact';
import { App } from './app';
import { loadConfig } from './config';

const root = document.getElementById('app')!;
loadConfig(new URL('./', document.baseURI).pathname).then(
  (config) => {
    root.textContent = ''; // the static "Loading" line
    render(<App config={config} />, root);
  },
  (error: Error) => {
    root.textContent = `The console could not load its configuration: ${error.message}`;
  },
);
