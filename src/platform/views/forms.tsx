import type { InputHTMLAttributes } from 'preact';
import type { MessageKey } from '../i18n';
import type { FormErrors, FormValues, PageContext } from './context';

export function Csrf({ ctx }: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
}

interface FieldProps {
  ctx: PageContext;
  name: string;
  label: MessageKey;
  hint?: MessageKey;
  errors?: FormErrors;
  values?: FormValues;
  type?: 'text' | 'email' | 'password' | 'search' | 'tel' | 'date' | 'datetime-local';
  autocomplete?: string;
  inputMode?: InputHTMLAttributes['inputMode'];
  required?: boolean;
  maxLength?: number;
  spellcheck?: boolean;
  multiline?: boolean;
  /** Sensitive values (passwords) are never written back into the page. */
  keepValue?: boolean;
  width?: 's' | 'm' | 'l';
}

/** A labelled input with its hint and inline error, wired with aria-describedby. */
export function Field(p: FieldProps) {
  const error = p.errors?.[p.name];
  const hintId = p.hint ? `${p.name}-hint` : undefined;
  const errorId = error ? `${p.name}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const value = p.keepValue === false ? '' : (p.values?.[p.name] ?? '');
  const common = {
    id: p.name,
    name: p.name,
    'aria-describedby': describedBy,
    'aria-invalid': error ? ('true' as const) : undefined,
    required: p.required,
    maxLength: p.maxLength,
    class: `input${p.width ? ` input--${p.width}` : ''}${error ? ' input--error' : ''}`,
  };
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for={p.name} class="field__label">
        {p.ctx.t(p.label)}
        {p.required && <span class="field__required">{p.ctx.t('common.required')}</span>}
      </label>
      {p.hint && <p id={hintId} class="field__hint">{p.ctx.t(p.hint)}</p>}
      {error && (
        <p id={errorId} class="field__error">
          <span class="visually-hidden">{p.ctx.t('common.errorPrefix')}: </span>
          {p.ctx.t(error)}
        </p>
      )}
      {p.multiline ? (
        <textarea {...common} rows={6}>{value}</textarea>
      ) : (
        // preact's input typing is a union keyed on `type`; the attributes here are valid for every type we allow.
        <input {...({ ...common, type: p.type ?? 'text', value, autocomplete: p.autocomplete, inputMode: p.inputMode, spellcheck: p.spellcheck } as InputHTMLAttributes)} />
      )}
    </div>
  );
}

interface SelectProps {
  ctx: PageContext;
  name: string;
  label: MessageKey;
  hint?: MessageKey;
  options: { value: string; label: string }[];
  placeholder?: MessageKey;
  errors?: FormErrors;
  values?: FormValues;
  required?: boolean;
  autocomplete?: string;
}

export function Select(p: SelectProps) {
  const error = p.errors?.[p.name];
  const hintId = p.hint ? `${p.name}-hint` : undefined;
  const errorId = error ? `${p.name}-error` : undefined;
  const current = p.values?.[p.name] ?? '';
  return (
    <div class={`field${error ? ' field--error' : ''}`}>
      <label for={p.name} class="field__label">
        {p.ctx.t(p.label)}
        {p.required && <span class="field__required">{p.ctx.t('common.required')}</span>}
      </label>
      {p.hint && <p id={hintId} class="field__hint">{p.ctx.t(p.hint)}</p>}
      {error && (
        <p id={errorId} class="field__error">
          <span class="visually-hidden">{p.ctx.t('common.errorPrefix')}: </span>
          {p.ctx.t(error)}
        </p>
      )}
      <select
        id={p.name}
        name={p.name}
        class={`input${error ? ' input--error' : ''}`}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        aria-invalid={error ? 'true' : undefined}
        required={p.required}
        autocomplete={p.autocomplete}
      >
        {p.placeholder && <option value="">{p.ctx.t(p.placeholder)}</option>}
        {p.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === current}>{o.label}</option>
        ))}
      </select>
    </div>
  );
}

/** Labels for the error summary, from the same keys the fields use. */
export function labelsFor(ctx: PageContext, labels: Record<string, MessageKey>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, ctx.t(v)]));
}
