/// <reference lib="dom" />
/** Partner membership checks (DPO, policy 5): every answer a partner got, as the register records it. */
import { ErrorNote, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { useI18n } from '../i18n';
import { DisclosureTable } from './disclosures';

export function PartnerChecksPage() {
  const { t } = useI18n();
  const { api } = useServices();
  const list = useLoad(() => api.disclosures(), []);
  const checks = list.data?.items.filter((d) => d.legalBasis === 'partner_membership_confirmation');
  return (
    <section>
      <PageTitle>{t('partnerChecks')}</PageTitle>
      <p>{t('partnerChecksHelp')}</p>
      <ErrorNote error={list.error} />
      {checks ? checks.length ? <DisclosureTable items={checks} t={t} /> : <p>{t('none')}</p> : list.error ? null : <Loading />}
    </section>
  );
}
