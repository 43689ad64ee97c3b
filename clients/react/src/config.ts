// Where the service is. Two places can say it:
// - VITE_SERVICE_URL, read when the bundle is built (`make build-react SERVICE_URL=...`) or
//   served (`make run-react`): Vite writes its value into the JavaScript, as plain text;
// - config.json beside index.html, read when the page starts: a deployment writes it, so one
//   build serves against either service, or any other, without building again.

const BUILT_IN = import.meta.env.VITE_SERVICE_URL || "http://127.0.0.1:8000";

export async function serviceUrl(): Promise<string> {
  try {
    const answer = await fetch("config.json", { cache: "no-store" });
    if (answer.ok) {
      const config = (await answer.json()) as { serviceUrl?: string };
      if (typeof config.serviceUrl === "string") return config.serviceUrl;
    }
  } catch {
    // No config.json (or not JSON, as a development server's fallback page is): the built-in URL.
  }
  return BUILT_IN;
}
