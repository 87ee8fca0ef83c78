"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, useState, type ReactNode } from "react";
import type { StaffRole } from "@/db/schema";
import { hasRole } from "@/lib/auth/roles";
import { LiveUpdates } from "./live";

export interface Viewer {
  email: string;
  role: StaffRole;
}

const ViewerContext = createContext<Viewer | null>(null);

/** The logged-in staff member, for showing or hiding what their role allows. */
export function useViewer(): Viewer & { can: (role: StaffRole) => boolean } {
  const viewer = useContext(ViewerContext);
  if (!viewer) throw new Error("useViewer outside <Providers>");
  return { ...viewer, can: (role) => hasRole(viewer, role) };
}

export function Providers({ viewer, children }: { viewer: Viewer; children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // A 4xx will not get better by asking again; a network blip might.
            retry: (failures, error) => failures < 2 && !(error instanceof Error && "status" in error && Number(error.status) >= 400 && Number(error.status) < 500),
            refetchOnWindowFocus: true,
          },
        },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      <ViewerContext.Provider value={viewer}>
        <LiveUpdates>{children}</LiveUpdates>
      </ViewerContext.Provider>
    </QueryClientProvider>
  );
}
