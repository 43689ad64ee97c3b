import { Api, type ModelCard } from "./api/client";
import { useServiceData } from "./useServiceData";

/** The model's error on real patients so far (GET /model/performance: every stored prediction
 *  with an actual) beside the error measured on the held-out test patients before release. */
export function LiveError({ api, card, changes }: { api: Api; card: ModelCard; changes: number }) {
  const performance = useServiceData(() => api.performance(), changes);
  const heldOut = card.metrics.mae;
  return (
    <section aria-labelledby="error-title">
      <h2 id="error-title">Error so far</h2>
      {performance.state === "loading" && <p aria-busy="true">Loading…</p>}
      {performance.state === "failed" && <p role="alert" className="error">{performance.message}</p>}
      {performance.state === "ready" && (
        <dl className="error-summary">
          <dt>Live mean absolute error</dt>
          <dd>
            <output id="live-mae">{performance.data.mae === null ? "none yet" : performance.data.mae.toFixed(1)}</output>{" "}
            <span className="muted">
              over <span id="live-count">{performance.data.count}</span> predictions with an actual
            </span>
          </dd>
          <dt>Held-out mean absolute error</dt>
          <dd>
            <output id="held-out-mae">{heldOut.toFixed(1)}</output>{" "}
            <span className="muted">on the {card.n_test} test patients</span>
          </dd>
          {performance.data.mae !== null && (
            <dd id="verdict" className={performance.data.mae > heldOut ? "warning" : ""}>
              {performance.data.mae > heldOut
                ? `${(performance.data.mae - heldOut).toFixed(1)} worse than before release`
                : "no worse than before release"}
            </dd>
          )}
        </dl>
      )}
    </section>
  );
}
