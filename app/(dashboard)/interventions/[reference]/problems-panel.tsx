import { useTranslations } from "next-intl";
import { Details } from "@/components/explanation";
import type { InterventionDetail } from "@/lib/dashboard/intervention-detail";

/** What the data must gain before it can be sent: found locally, or reported by Symphonics. */
export function ProblemsPanel({ detail }: { detail: InterventionDetail }) {
  const t = useTranslations("problems");
  const localProblems = detail.dossier.ok ? [] : detail.dossier.problems;
  // Found locally and recorded by the last run are often the same: each is listed once.
  const problems = [...localProblems, ...detail.publication.problems].filter(
    (problem, index, all) => all.findIndex((other) => other.field === problem.field && other.message === problem.message) === index,
  );
  if (problems.length === 0) return null;
  return (
    <section aria-labelledby="problems-title" className="rounded-lg border border-orange-300 bg-orange-50 p-4">
      <h2 id="problems-title" className="font-medium text-orange-950">
        {t("title")}
      </h2>
      <ul className="mt-2 list-disc space-y-1 pl-5 text-sm text-orange-950">
        {problems.map((problem, index) => (
          <li key={`${problem.field}-${index}`}>
            {t.rich("problem", { field: problem.field, message: problem.message, code: (chunks) => <span className="font-mono text-xs">{chunks}</span> })}
            {"symphonics" in problem && problem.symphonics ? (
              <>
                {" "}
                <Details>{t("symphonicsField", { field: problem.symphonics.field, code: problem.symphonics.code ?? t("noCode") })}</Details>
              </>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
