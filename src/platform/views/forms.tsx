import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import type { MessageKey } from '../i18n';
import type { FormErrors, FormValues, PageContext } from './context';

export function Csrf({ ctx }: { ctx: PageContext }) {
  return <input type="hidden" name="_csrf" value={ctx.csrfToken} />;
}

/** Label, hint and inline error around one control; the control gets the ids to describe itself with. */
function FieldShell(p: {
  ctx: PageContext; name: string; label: MessageKey; hint?: MessageKey; required?: boolean; errors?: FormErrors;
  children: (a: { describedBy?: string; invalid?: 'true'; error?: MessageKey }) => ComponentChildren;
}) {
  const error = p.errors?.[p.name];
  const hintId = p.hint ? `${p.name}-hint` : undefined;
  const errorId = error ? `${p.name}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
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
      {p.children({ describedBy, invalid: error ? 'true' : undefined, error })}
    </div>
  );
}

/** The CSV file of an import form (credits, payment results): required, described by its hint and the upload's error. */
export function CsvFileField({ ctx, label, hint, message }: { ctx: PageContext; label: MessageKey; hint: string; message?: string }) {
  return (
    <div class={`field${message ? ' field--error' : ''}`}>
      <label for="file" class="field__label">{ctx.t(label)}<span class="field__required">{ctx.t('common.required')}</span></label>
      <p id="file-hint" class="field__hint">{hint}</p>
      {message && <p id="file-error" class="field__error"><span class="visually-hidden">{ctx.t('common.errorPrefix')}: </span>{message}</p>}
      <input type="file" id="file" name="file" accept=".csv,text/csv" required class="input" aria-describedby={message ? 'file-hint file-error' : 'file-hint'}
        aria-invalid={message ? 'true' : undefined} />
    </div>
  );
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
  const value = p.keepValue === false ? '' : (p.values?.[p.name] ?? '');
  return (
    <FieldShell ctx={p.ctx} name={p.name} label={p.label} hint={p.hint} required={p.required} errors={p.errors}>
      {({ describedBy, invalid, error }) => {
        const common = {
          id: p.name,
          name: p.name,
          'aria-describedby': describedBy,
          'aria-invalid': invalid,
          required: p.required,
          maxLength: p.maxLength,
          class: `input${p.width ? ` input--${p.width}` : ''}${error ? ' input--error' : ''}`,
        };
        return p.multiline ? (
          <textarea {...common} rows={6}>{value}</textarea>
        ) : (
          // preact's input typing is a union keyed on `type`; the attributes here are valid for every type we allow.
          <input {...({ ...common, type: p.type ?? 'text', value, autocomplete: p.autocomplete, inputMode: p.inputMode, spellcheck: p.spellcheck } as InputHTMLAttributes)} />
        );
      }}
    </FieldShell>
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
  const current = p.values?.[p.name] ?? '';
  return (
    <FieldShell ctx={p.ctx} name={p.name} label={p.label} hint={p.hint} required={p.required} errors={p.errors}>
      {({ describedBy, invalid, error }) => (
        <select id={p.name} name={p.name} class={`input${error ? ' input--error' : ''}`} aria-describedby={describedBy} aria-invalid={invalid}
          required={p.required} autocomplete={p.autocomplete}>
          {p.placeholder && <option value="">{p.ctx.t(p.placeholder)}</option>}
          {p.options.map((o) => (
            <option key={o.value} value={o.value} selected={o.value === current}>{o.label}</option>
          ))}
        </select>
      )}
    </FieldShell>
  );
}

/** A new password and its confirmation (member reset, staff invitation): never echoed back. */
export function NewPasswordFields({ ctx, errors }: { ctx: PageContext; errors?: FormErrors }) {
  return (
    <>
      <Field ctx={ctx} name="password" label="reset.newPassword" hint="reset.newPasswordHint" type="password" required errors={errors}
        autocomplete="new-password" keepValue={false} maxLength={1000} />
      <Field ctx={ctx} name="confirm" label="reset.confirmPassword" type="password" required errors={errors}
        autocomplete="new-password" keepValue={false} maxLength={1000} />
    </>
  );
}

/** Labels for the error summary, from the same keys the fields use. */
export function labelsFor(ctx: PageContext, labels: Record<string, MessageKey>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, ctx.t(v)]));
}
