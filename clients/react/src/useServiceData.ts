import { useEffect, useState } from "react";
import { describe } from "./api/client";

/** One request's three states: waiting for the answer, the answer, or what went wrong. */
export type Loaded<T> = { state: "loading" } | { state: "ready"; data: T } | { state: "failed"; message: string };

/** Load `load()` when the component appears, and again whenever `reloadKey` changes. */
export function useServiceData<T>(load: () => Promise<T>, reloadKey: unknown): Loaded<T> {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: "loading" });
  useEffect(() => {
    let current = true; // an older request's late answer must not overwrite a newer one
    load().then(
      (data) => current && setLoaded({ state: "ready", data }),
      (error) => current && setLoaded({ state: "failed", message: describe(error) }),
    );
    return () => {
      current = false;
    };
    // Only reloadKey says when to load again: `load` is a new function on every render.
  }, [reloadKey]);
  return loaded;
}
