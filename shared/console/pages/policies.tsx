/// <reference lib="dom" />
/**
 * Policy versions (DPO, policy 7): the list with the one in force, and publishing a new version. The
 * file's SHA-256 is computed in the browser (SubtleCrypto), so the published hash is of the very file
 * the DPO chose, and the file never leaves the machine.
 */
import { useState } from 'preact/hooks';
import { CATEGORIES } from '../../domain/categories';
import { PublishPolicyInput } from '../../schemas/consent';
import type { NewPolicy } from '../api';
import { ErrorNote, Field, ItemTable, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { date } from '../format';
import { useI18n, word } from '../i18n';

export async function sha256Hex(data: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function PoliciesPage() {
  const { t, lang } = useI18n();
  const { api } = useServices();
  const list = useLoad(() => api.policies(), []);
  const [hash, setHash] = useState('');
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const optional = CATEGORIES.filter((c) => c !== 'necessary');

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    const candidate: NewPolicy = {
      version: text('version'),
      effectiveAt: text('effectiveAt') ? `${text('effectiveAt')}T00:00:00+07:00` : '',
      url: text('url'),
      sha256: hash,
      changes: data.getAll('changes').map(String) as NewPolicy['changes'],
      ...(text('summary') ? { summary: text('summary') } : {}),
    };
    const checked = PublishPolicyInput.safeParse(candidate);
    setSaved(false);
    if (!checked.success) return setError(new Error(checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')));
    try {
      await api.publishPolicy(checked.data);
      setError(undefined);
      setSaved(true);
      form.reset();
      setHash('');
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <PageTitle>{t('policyVersions')}</PageTitle>
      <ErrorNote error={list.error} />
      {list.data ? (
        <ItemTable
          caption={t('policyVersions')}
          items={list.data.items}
          rowKey={(p) => p.version}
          columns={[
            {
              header: t('version'),
              rowHeader: true,
              cell: (p) => (
                <>
                  {p.version} {p.version === list.data!.current ? <span class="badge">{t('inForce')}</span> : null}
                </>
              ),
            },
            { header: t('effectiveAt'), cell: (p) => date(p.effectiveAt, lang) },
            { header: t('changedCategories'), cell: (p) => p.changes.map((c) => word(t, `cat_${c}`, c)).join(', ') || t('none') },
            { header: t('summary'), cell: (p) => p.summary ?? '' },
            { header: t('sha256'), cell: (p) => <code class="hash">{p.sha256.slice(0, 16)}…</code> },
          ]}
        />
      ) : list.error ? null : (
        <Loading />
      )}
      <form onSubmit={submit} class="card" aria-labelledby="publish-h">
        <h2 id="publish-h">{t('publish')}</h2>
        <Field label={t('version')} id="version">
          <input id="version" name="version" required pattern="[A-Za-z0-9._\-]{1,64}" />
        </Field>
        <Field label={t('effectiveAt')} id="effectiveAt">
          <input id="effectiveAt" name="effectiveAt" type="date" required />
        </Field>
        <Field label={t('policyUrl')} id="url">
          <input id="url" name="url" type="url" required />
        </Field>
        <Field label={t('policyFile')} id="file">
          <input
            id="file"
            name="file"
            type="file"
            accept=".txt,.html,.pdf,text/plain,text/html,application/pdf"
            required
            onChange={async (e) => {
              const file = (e.currentTarget as HTMLInputElement).files?.[0];
              setHash(file ? await sha256Hex(await file.arrayBuffer()) : '');
            }}
          />
        </Field>
        <p>
          {t('sha256')}: <code data-testid="policy-sha256">{hash || '—'}</code>
        </p>
        <fieldset>
          <legend>{t('changedCategories')}</legend>
          {optional.map((c) => (
            <label key={c}>
              <input type="checkbox" name="changes" value={c} /> {word(t, `cat_${c}`, c)}
            </label>
          ))}
        </fieldset>
        <Field label={t('summary')} id="summary">
          <textarea id="summary" name="summary" rows={2} maxLength={2000} />
        </Field>
        <ErrorNote error={error} />
        {saved ? (
          <p class="notice" role="status">
            {t('published')}
          </p>
        ) : null}
        <button type="submit">{t('publish')}</button>
      </form>
    </section>
  );
}
