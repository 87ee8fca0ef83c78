import { Problem } from "./problem";

type Handler<C> = (request: Request, context: C) => Promise<Response>;

/**
 * Wraps a route handler: a Problem becomes its problem+json answer; anything else is a bug,
 * logged and answered with a generic 500 that reveals nothing.
 */
export function route<C>(handler: Handler<C>): Handler<C> {
  return async (request, context) => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (error instanceof Problem) return error.toResponse(new URL(request.url).pathname);
      console.error(`${request.method} ${new URL(request.url).pathname} failed:`, error);
      return new Problem({ status: 500, title: "Internal error", code: "internal_error", detail: "An unexpected error occurred; it has been logged." }).toResponse();
    }
  };
}
