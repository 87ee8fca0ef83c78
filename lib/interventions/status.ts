import type { InterventionStatus } from "@/db/schema";

/**
 * The field workflow. `published` is reached only through the publisher, never from input, and
 * `cancelled` and `published` are final.
 */
const allowed: Record<InterventionStatus, readonly InterventionStatus[]> = {
  scheduled: ["in_progress", "cancelled"],
  in_progress: ["scheduled", "installation_done", "cancelled"],
  installation_done: ["in_progress", "cancelled"],
  published: [],
  cancelled: [],
};

export type TransitionCheck = { ok: true } | { ok: false; reason: string };

/** May the workforce application move an intervention from `from` to `to`? */
const onlyThePublisher: TransitionCheck = { ok: false, reason: "Only the publisher sets an intervention to published." };

export function checkTransition(from: InterventionStatus, to: InterventionStatus): TransitionCheck {
  if (from === to) return { ok: true };
  if (to === "published") return onlyThePublisher;
  if (from === "cancelled") return { ok: false, reason: "The intervention is cancelled; cancelled is final." };
  if (from === "published") {
    return { ok: false, reason: "The intervention is already published to Symphonics; its status can no longer change." };
  }
  if (!allowed[from].includes(to)) {
    return { ok: false, reason: `An intervention cannot go from ${from} to ${to}.` };
  }
  return { ok: true };
}

/**
 * The status a replacement stores. A published intervention stays published when the
 * workforce app, which does not know about publication, re-sends it as installation_done.
 */
export function statusAfterReplace(current: InterventionStatus, incoming: InterventionStatus): InterventionStatus {
  return current === "published" && incoming === "installation_done" ? "published" : incoming;
}

/** A new intervention may start anywhere in the workflow, except published. */
export function checkInitialStatus(status: InterventionStatus): TransitionCheck {
  return status === "published" ? onlyThePublisher : { ok: true };
}
