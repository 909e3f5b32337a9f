/// <reference lib="dom" />
/**
 * The processor register (DPO, policy 5): who processes the shop's data, what for, which categories,
 * where the data goes, under which confidentiality agreement and until when, and which of this
 * system's events it receives. Expiring agreements remind the DPO by mail (the deadline chains).
 */
import { useState } from 'preact/hooks';
import type { Processor } from '../../domain/registers';
import { DATA_CATEGORY_KEYS, type DataCategory } from '../../processing';
import { ProcessorInput } from '../../schemas/registers';
import { ErrorNote, Field, ItemTable, Loading, PageTitle, useLoad } from '../components';
import { useServices } from '../context';
import { date } from '../format';
import { issuesText, useRegisterWords } from './register-words';

export function ProcessorsPage() {
  const { w, lang, category } = useRegisterWords();
  const { api } = useServices();
  const list = useLoad(() => api.call<{ items: Processor[] }>('GET', '/v1/admin/processors'), []);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const text = (n: string) => String(data.get(n) ?? '').trim();
    setSaved(false);
    const events = text('receivesEvents')
      .split(',')
      .map((e) => e.trim())
      .filter(Boolean);
    const checked = ProcessorInput.safeParse({
      name: text('name'),
      service: text('service'),
      categories: data.getAll('categories').map(String) as DataCategory[],
      country: text('country').toUpperCase(),
      agreement: { signedOn: text('signedOn'), reference: text('agreementRef'), ...(text('expiresOn') ? { expiresOn: text('expiresOn') } : {}) },
      ...(events.length ? { receivesEvents: events } : {}),
    });
    if (!checked.success) return setError(new Error(issuesText(checked.error.issues)));
    try {
      await api.call<Processor>('POST', '/v1/admin/processors', { body: checked.data });
      setError(undefined);
      setSaved(true);
      form.reset();
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section>
      <PageTitle>{w('processors')}</PageTitle>
      <form onSubmit={submit} aria-labelledby="processor-h" class="card">
        <h2 id="processor-h">{w('addProcessor')}</h2>
        <Field label={w('name')} id="p-name">
          <input id="p-name" name="name" required maxLength={200} />
        </Field>
        <Field label={w('service')} id="p-service">
          <input id="p-service" name="service" required maxLength={1000} />
        </Field>
        <fieldset>
          <legend>{w('categories')}</legend>
          {DATA_CATEGORY_KEYS.map((c) => (
            <label key={c}>
              <input type="checkbox" name="categories" value={c} /> {category(c)}
            </label>
          ))}
        </fieldset>
        <Field label={w('country')} id="p-country">
          <input id="p-country" name="country" required pattern="[A-Za-z]{2}" maxLength={2} />
        </Field>
        <Field label={w('agreementRef')} id="p-agreement">
          <input id="p-agreement" name="agreementRef" required maxLength={200} />
        </Field>
        <Field label={w('signedOn')} id="p-signed">
          <input id="p-signed" name="signedOn" type="date" required />
        </Field>
        <Field label={w('expiresOn')} id="p-expires">
          <input id="p-expires" name="expiresOn" type="date" />
        </Field>
        <Field label={w('receivesEvents')} id="p-events">
          <input id="p-events" name="receivesEvents" />
        </Field>
        <ErrorNote error={error} />
        {saved ? (
          <p class="notice" role="status">
            {w('recorded')}
          </p>
        ) : null}
        <button type="submit">{w('addProcessor')}</button>
      </form>
      <ErrorNote error={list.error} />
      {list.data ? (
        list.data.items.length ? (
          <ItemTable
            testId="processors"
            caption={w('processors')}
            items={list.data.items}
            rowKey={(p) => p.id}
            columns={[
              { header: w('name'), cell: (p) => p.name },
              { header: w('service'), cell: (p) => p.service },
              { header: w('categories'), cell: (p) => p.categories.map(category).join(', ') },
              { header: w('country'), cell: (p) => p.country },
              {
                header: w('agreement'),
                cell: (p) =>
                  `${p.agreement.reference}, ${date(`${p.agreement.signedOn}T12:00:00+07:00`, lang)}${p.agreement.expiresOn ? ` – ${date(`${p.agreement.expiresOn}T12:00:00+07:00`, lang)}` : ''}`,
              },
              { header: w('receivesEvents'), cell: (p) => p.receivesEvents.join(', ') },
            ]}
          />
        ) : (
          <p>{w('none')}</p>
        )
      ) : list.error ? null : (
        <Loading />
      )}
    </section>
  );
}
