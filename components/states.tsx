import type { UseQueryResult } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { ApiError } from "./api";

export function LoadingState({ label }: { label?: string }) {
  const t = useTranslations("common");
  return (
    <div role="status" aria-live="polite" className="flex items-center gap-3 p-6 text-sm text-slate-600">
      <span aria-hidden className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-sky-700" />
      {label ?? t("loading")}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useTranslations("common");
  return (
    <div role="alert" className="m-4 rounded-md border border-red-200 bg-red-50 p-4 text-sm text-red-900">
      <p className="font-medium">{t("loadFailed")}</p>
      <p className="mt-1">{error instanceof Error ? error.message : String(error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry} className="btn btn-secondary mt-3">
          {t("tryAgain")}
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="p-8 text-center text-sm text-slate-600">
      <p className="font-medium text-slate-800">{title}</p>
      {children && <div className="mt-1">{children}</div>}
    </div>
  );
}

/**
 * What every view shows around the data it fetched: the loading state until the first answer,
 * the error in a sentence with Try again, a message when there is nothing to show, else its
 * children with the data.
 */
export function QueryBoundary<T>({
  query,
  loadingLabel,
  notFound,
  empty,
  keepDataOnError = false,
  children,
}: {
  query: UseQueryResult<T>;
  loadingLabel?: string;
  /** Shown instead of the error when the API answers 404. */
  notFound?: ReactNode;
  empty?: { when: (data: T) => boolean; title: string; message?: ReactNode };
  /** A failed refresh keeps the last data on screen; the view says so itself. */
  keepDataOnError?: boolean;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <LoadingState label={loadingLabel} />;
  if (query.isError && !(keepDataOnError && query.data !== undefined)) {
    if (notFound && query.error instanceof ApiError && query.error.status === 404) return notFound;
    return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  }
  const data = query.data as T;
  if (empty?.when(data)) return <EmptyState title={empty.title}>{empty.message}</EmptyState>;
  return children(data);
}
