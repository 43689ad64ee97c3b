import { useState, type FormEvent } from "react";
import { Api, describe, type PredictionRecord } from "./api/client";
import { useServiceData } from "./useServiceData";

const SHOWN = 10; // the newest ten: a page of GET /predictions

/** The newest stored predictions (GET /predictions), each with its actual or a form to record
 *  it (PUT /predictions/{id}/actual). */
export function StoredPredictions({ api, changes, onActual }: { api: Api; changes: number; onActual: () => void }) {
  const page = useServiceData(() => api.storedPredictions(SHOWN), changes);
  const [failure, setFailure] = useState<string | null>(null);

  async function record(event: FormEvent<HTMLFormElement>, prediction: PredictionRecord) {
    event.preventDefault();
    const value = new FormData(event.currentTarget).get("actual") as string;
    try {
      await api.recordActual(prediction.id, value);
      setFailure(null);
      onActual();
    } catch (error) {
      setFailure(`Prediction ${prediction.id}: ${describe(error)}`);
    }
  }

  return (
    <section aria-labelledby="stored-title">
      <h2 id="stored-title">Stored predictions</h2>
      {page.state === "loading" && <p aria-busy="true">Loading…</p>}
      {page.state === "failed" && <p role="alert" className="error">{page.message}</p>}
      {page.state === "ready" && page.data.items.length === 0 && <p>None yet.</p>}
      {page.state === "ready" && page.data.items.length > 0 && (
        <div className="scroll">
          <table id="stored">
            <caption className="muted">
              The newest {page.data.items.length} of {page.data.total}
            </caption>
            <thead>
              <tr>
                <th>id</th>
                <th>made</th>
                <th>prediction</th>
                <th>actual</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((prediction) => (
                <tr key={prediction.id} data-id={prediction.id}>
                  <td>{prediction.id}</td>
                  <td>{new Date(prediction.created_at).toLocaleString([], { dateStyle: "short", timeStyle: "short" })}</td>
                  <td className="number">{prediction.prediction.toFixed(1)}</td>
                  <td>
                    {prediction.actual !== null ? (
                      <span className="actual">{prediction.actual}</span>
                    ) : (
                      <form className="inline" onSubmit={(event) => record(event, prediction)}>
                        <input name="actual" inputMode="decimal" aria-label={`actual for ${prediction.id}`} size={4} />
                        <button type="submit">Record</button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {failure && (
        <p role="alert" id="actual-error" className="error">
          {failure}
        </p>
      )}
    </section>
  );
}
