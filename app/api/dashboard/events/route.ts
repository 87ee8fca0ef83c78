import { dashboardChangeStream } from "@/lib/dashboard/live";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  /** What changed, as it commits, for the open dashboard pages; closed when the page goes. */
  GET: route(operations.dashboardEvents, async ({ request }) => {
    const stream = await dashboardChangeStream(request.signal);
    return new Response(stream, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        // no-transform: compression would hold the events back until a buffer fills.
        "cache-control": "no-store, no-transform",
        "x-accel-buffering": "no",
      },
    });
  }),
});
