import type { ComponentProps, ReactNode } from "react";

/** The few building blocks the pages share, so each page's markup stays short. */

export const buttonStyle =
  "inline-flex items-center justify-center gap-2 rounded-lg bg-indigo-600 px-4 py-2 text-sm font-medium text-white shadow-sm transition hover:bg-indigo-500 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:cursor-not-allowed disabled:opacity-60";

export const secondaryButtonStyle =
  "inline-flex items-center justify-center rounded-lg border border-zinc-300 bg-white px-4 py-2 text-sm font-medium text-zinc-800 shadow-sm transition hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800";

export const linkStyle =
  "font-medium text-indigo-700 underline-offset-4 hover:underline dark:text-indigo-300";

export function Card({ children, ...props }: ComponentProps<"section">) {
  return (
    <section
      {...props}
      className="min-w-0 rounded-xl border border-zinc-200 bg-white p-5 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      {children}
    </section>
  );
}

export function PageTitle({ children, lead }: { children: ReactNode; lead?: ReactNode }) {
  return (
    <header className="mb-8 space-y-2">
      <h1 className="text-3xl font-semibold tracking-tight">{children}</h1>
      {lead && <p className="text-zinc-600 dark:text-zinc-400">{lead}</p>}
    </header>
  );
}

/**
 * A labelled input with its own message, tied to it for screen readers. Its id is its name,
 * unless the page has two fields of that name (in two forms): then give it an `id`.
 */
export function Field({
  label,
  error,
  hint,
  id,
  ...input
}: ComponentProps<"input"> & { name: string; label: string; error?: string; hint?: string }) {
  const fieldId = id ?? input.name;
  const messageId = `${fieldId}-message`;
  return (
    <div className="space-y-1.5">
      <label htmlFor={fieldId} className="block text-sm font-medium">
        {label}
      </label>
      <input
        id={fieldId}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? messageId : undefined}
        className="block w-full rounded-lg border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/30 aria-invalid:border-red-600 dark:border-zinc-700 dark:bg-zinc-950 dark:aria-invalid:border-red-400"
        {...input}
      />
      {(error || hint) && (
        <p
          id={messageId}
          role={error ? "alert" : undefined}
          className={
            error
              ? "text-sm text-red-700 dark:text-red-400"
              : "text-sm text-zinc-500 dark:text-zinc-400"
          }
        >
          {error ?? hint}
        </p>
      )}
    </div>
  );
}

/** The email field every auth form starts with. */
export function EmailField({ error }: { error?: string }) {
  return (
    <Field name="email" label="Email" type="email" autoComplete="email" required error={error} />
  );
}

/** A password being chosen: as long as Better Auth requires (8 characters, its default). */
export function NewPasswordField({
  name = "password",
  label,
  hint,
  error,
}: {
  name?: string;
  label: string;
  hint?: string;
  error?: string;
}) {
  return (
    <Field
      name={name}
      label={label}
      type="password"
      autoComplete="new-password"
      minLength={8}
      required
      hint={hint}
      error={error}
    />
  );
}

/** The form's own message (not about one field), announced when it appears. */
export function FormMessage({ children }: { children?: ReactNode }) {
  return (
    <p aria-live="polite" className="min-h-5 text-sm text-red-700 dark:text-red-400">
      {children}
    </p>
  );
}

export function SubmitButton({
  children,
  pending,
  disabled,
}: {
  children: ReactNode;
  pending: boolean;
  disabled: boolean;
}) {
  return (
    <button
      type="submit"
      disabled={disabled}
      aria-busy={pending}
      className={`${buttonStyle} w-full`}
    >
      {pending && (
        <span
          aria-hidden="true"
          className="size-4 animate-spin rounded-full border-2 border-white/40 border-t-white"
        />
      )}
      {children}
    </button>
  );
}
