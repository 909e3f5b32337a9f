/// <reference lib="dom" />
/**
 * The disclosure register (DPO, policy 5): record a disclosure on one of the policy's three grounds
 * (the order or warrant reference required when the law requires it), list and filter the register,
 * download it as CSV. The form is checked with the route's own schema before it is sent.
 */
import { useState } from 'preact/hooks';
import { csvCell } from '../../domain/csv';
import { LEGAL_BASES } from '../../domain/ports';
import { DisclosureInput } from '../../schemas/requests';
import type { Disclosure, NewDisclosure } from '../api';
import { ErrorNote, Field, ItemTable, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { dateTime } from '../format';
import { type Translate, useI18n, word } from '../i18n';

const CSV_COLUMNS = ['id', 'disclosedAt', 'recipient', 'legalBasis', 'reference', 'categories', 'memberId', 'recordedAt', 'recordedBy', 'note'] as const;

/** RFC 4180 CSV, with formula-leading cells neutralised so a spreadsheet never runs a cell as a formula. */
export function toCsv(items: Disclosure[]): string {
  const cell = (value: unknown) => csvCell(Array.isArray(value) ? value.join('; ') : value === undefined ? '' : String(value));
  return [CSV_COLUMNS.join(','), ...items.map((d) => CSV_COLUMNS.map((c) => cell(d[c])).join(','))].join('\r\n');
}

export function DisclosureTable({ items, t }: { items: Disclosure[]; t: Translate }) {
  const { lang } = useI18n();
  return (
    <ItemTable
      testId="disclosures"
      caption={t('navDisclosures')}
      items={items}
      rowKey={(d) => d.id}
      columns={[
        { header: t('disclosedAt'), cell: (d) => dateTime(d.disclosedAt, lang) },
        { header: t('recipient'), cell: (d) => d.recipient },
        { header: t('legalBasis'), cell: (d) => word(t, `basis_${d.legalBasis}`, d.legalBasis) },
        { header: t('referenceDoc'), cell: (d) => d.reference ?? '' },
        { header: t('categories'), cell: (d) => d.categories.join(', ') },
        { header: t('member'), cell: (d) => d.memberId ?? '' },
        { header: t('actor'), cell: (d) => d.recordedBy },
      ]}
    />
  );
}

export function DisclosuresPage() {
  const { t } = useI18n();
  const { api } = useServices();
  const [filter, setFilter] = useState('');
  const list = useLoad(() => api.disclosures(filter || undefined), [filter]);
  const [basis, setBasis] = useState<(typeof LEGAL_BASES)[number]>('customer_authorised');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    setSaved(false);
    if (basis === 'required_by_law' && !text('reference')) return setError(new Error(t('referenceRequired')));
    const day = text('disclosedAt');
    const candidate: NewDisclosure = {
      recipient: text('recipient'),
      legalBasis: basis,
      categories: text('categories')
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean),
      // The day in Bangkok, as the DPO means it.
      disclosedAt: day ? `${day}T12:00:00+07:00` : new Date().toISOString(),
      ...(text('memberId') ? { memberId: text('memberId') } : {}),
      ...(text('reference') ? { reference: text('reference') } : {}),
      ...(text('note') ? { note: text('note') } : {}),
    };
    const checked = DisclosureInput.safeParse(candidate);
    if (!checked.success) return setError(new Error(checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
    try {
      await api.recordDisclosure(checked.data);
      setError(undefined);
      setSaved(true);
      form.reset();
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  const download = () => {
    const blob = new Blob([`\uFEFF${toCsv(list.data?.items ?? [])}`], { type: 'text/csv;charset=utf-8' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `disclosures${filter ? `-${filter}` : ''}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 0);
  };

  return (
    <section>
      <PageTitle>{t('navDisclosures')}</PageTitle>
      <form onSubmit={submit} aria-labelledby="add-h" class="card">
        <h2 id="add-h">{t('addDisclosure')}</h2>
        <Field label={t('recipient')} id="recipient">
          <input id="recipient" name="recipient" required maxLength={200} />
        </Field>
        <fieldset>
          <legend>{t('legalBasis')}</legend>
          {LEGAL_BASES.map((b) => (
            <label key={b}>
              <input type="radio" name="legalBasis" value={b} checked={basis === b} onChange={() => setBasis(b)} /> {t(`basis_${b}`)}
            </label>
          ))}
        </fieldset>
        <Field label={t('referenceDoc')} id="reference" {...(basis === 'required_by_law' ? { hint: t('referenceRequired') } : {})}>
          <input
            id="reference"
            name="reference"
            maxLength={200}
            required={basis === 'required_by_law'}
            {...(basis === 'required_by_law' ? { 'aria-describedby': 'reference-hint' } : {})}
          />
        </Field>
        <Field label={t('categories')} id="categories">
          <input id="categories" name="categories" required />
        </Field>
        <Field label={t('disclosedAt')} id="disclosedAt">
          <input id="disclosedAt" name="disclosedAt" type="date" />
        </Field>
        <Field label={t('memberIdOptional')} id="memberId">
          <input id="memberId" name="memberId" />
        </Field>
        <Field label={t('note')} id="disclosure-note">
          <textarea id="disclosure-note" name="note" rows={2} maxLength={2000} />
        </Field>
        <ErrorNote error={error} />
        {saved ? (
          <p class="notice" role="status">
            {t('recorded')}
          </p>
        ) : null}
        <button type="submit">{t('addDisclosure')}</button>
      </form>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(String(new FormData(e.currentTarget as HTMLFormElement).get('filter') ?? '').trim());
        }}
      >
        <Field label={`${t('filter')}: ${t('byMemberId')}`} id="filter">
          <input id="filter" name="filter" />
        </Field>
        <button type="submit">{t('filter')}</button>
        <button type="button" onClick={download} disabled={!list.data?.items.length}>
          {t('downloadCsv')}
        </button>
      </form>
      <ErrorNote error={list.error} />
      {list.data ? list.data.items.length ? <DisclosureTable items={list.data.items} t={t} /> : <p>{t('none')}</p> : list.error ? null : <Loading />}
    </section>
  );
}
