import { useEffect, useState } from "react";
import { Api, describe, type ModelCard } from "./api/client";
import { serviceUrl } from "./config";
import { LiveError } from "./LiveError";
import { PredictForm } from "./PredictForm";
import { StoredPredictions } from "./StoredPredictions";

type Start = { state: "loading" } | { state: "ready"; api: Api; card: ModelCard } | { state: "failed"; message: string };

/** Find the service, read its model card, then show the three panels. Every panel needs the card
 *  (the features and their training ranges), so nothing else is shown until it has arrived. */
export function App() {
  const [start, setStart] = useState<Start>({ state: "loading" });
  // Bumped after every write (a prediction, an actual): the panels that list them load again.
  const [changes, setChanges] = useState(0);
  const changed = () => setChanges((count) => count + 1);

  useEffect(() => {
    serviceUrl().then(async (url) => {
      const api = new Api(url);
      try {
        setStart({ state: "ready", api, card: await api.modelCard() });
      } catch (error) {
        setStart({ state: "failed", message: describe(error) });
      }
    });
  }, []);

  return (
    <main>
      <header>
        <h1>Diabetes progression</h1>
        {start.state === "ready" && (
          <p className="muted">
            {start.card.name} {start.card.version} at <code id="service-url">{start.api.baseUrl}</code>
          </p>
        )}
      </header>
      {start.state === "loading" && <p aria-busy="true">Reading the model card…</p>}
      {start.state === "failed" && (
        <p role="alert" id="service-error" className="error">
          {start.message}
        </p>
      )}
      {start.state === "ready" && (
        <>
          <PredictForm api={start.api} card={start.card} onStored={changed} />
          <StoredPredictions api={start.api} changes={changes} onActual={changed} />
          <LiveError api={start.api} card={start.card} changes={changes} />
        </>
      )}
    </main>
  );
}
