import { useState, type FormEvent } from "react";
import { Api, ServiceError, describe, patientJson, type ModelCard, type PredictionRecord } from "./api/client";

// The dataset's first patient, as the playground and the lessons use it.
const EXAMPLE_PATIENT: Record<string, string> = {
  age: "59", sex: "2", bmi: "32.1", bp: "101", tc: "157", ldl: "93.2", hdl: "38", tch: "4", ltg: "4.8598", glu: "87",
};

type Outcome =
  | { state: "idle" }
  | { state: "sending" }
  | { state: "stored"; record: PredictionRecord; location: string }
  | { state: "refused"; message: string; fieldMessages: Record<string, string> };

/** One input per feature of the model card, captioned with its training range; Predict stores
 *  the prediction (POST /predictions), so its actual can be recorded later. */
export function PredictForm({ api, card, onStored }: { api: Api; card: ModelCard; onStored: () => void }) {
  const [values, setValues] = useState<Record<string, string>>(EXAMPLE_PATIENT);
  const [outcome, setOutcome] = useState<Outcome>({ state: "idle" });
  const fieldMessages = outcome.state === "refused" ? outcome.fieldMessages : {};

  async function predict(event: FormEvent) {
    event.preventDefault();
    setOutcome({ state: "sending" });
    try {
      const { record, location } = await api.createPrediction(patientJson(values));
      setOutcome({ state: "stored", record, location });
      onStored();
    } catch (error) {
      const messages = error instanceof ServiceError ? error.fieldMessages : {};
      setOutcome({ state: "refused", message: describe(error), fieldMessages: messages });
    }
  }

  return (
    <section aria-labelledby="predict-title">
      <h2 id="predict-title">Predict for a patient</h2>
      <form onSubmit={predict} noValidate>
        <div className="fields">
          {card.features.map((feature) => {
            const text = values[feature.name] ?? "";
            const number = text.trim() === "" ? NaN : Number(text);
            const message = fieldMessages[feature.name]; // why the service refused this value
            // Accepted by the service, but beyond every patient the model learned from.
            const outside =
              !message && Number.isFinite(number) && (number < feature.train_min || number > feature.train_max);
            return (
              <label key={feature.name} className={outside ? "field out-of-range" : "field"}>
                <span className="name">{feature.name}</span>
                <input
                  name={feature.name}
                  inputMode="decimal"
                  value={text}
                  aria-invalid={message ? true : undefined}
                  aria-describedby={`${feature.name}-help`}
                  onChange={(event) => setValues({ ...values, [feature.name]: event.target.value })}
                />
                <small id={`${feature.name}-help`}>
                  {feature.description}; trained on {feature.train_min} to {feature.train_max}
                  {outside && <strong className="warning">Outside the training range</strong>}
                  {message && (
                    <strong className="field-error" data-field={feature.name}>
                      {message}
                    </strong>
                  )}
                </small>
              </label>
            );
          })}
        </div>
        <button type="submit" id="predict" disabled={outcome.state === "sending"}>
          {outcome.state === "sending" ? "Predicting…" : "Predict and store"}
        </button>
      </form>
      {outcome.state === "stored" && (
        <p id="result" className="result">
          Predicted progression <output id="prediction">{outcome.record.prediction.toFixed(1)}</output>{" "}
          <span className="muted">
            (the training patients' outcomes ran from {card.target_min} to {card.target_max})
          </span>
          , model <span id="model-version">{outcome.record.model_version}</span>, stored as{" "}
          <code id="stored-as">{outcome.location}</code>
        </p>
      )}
      {outcome.state === "refused" && (
        <p role="alert" id="predict-error" className="error">
          {outcome.message}
        </p>
      )}
    </section>
  );
}
