// The playground: a plain-JavaScript client of the API, served by the API itself (same origin,
// so no CORS is needed). No framework and no build step: fetch(), JSON and the DOM.
//
// Predict sends POST /predictions, which predicts AND stores: the "Recent stored predictions"
// table then shows the user's own prediction at once, and an actual can be recorded for it
// later. (POST /predict stores nothing, so a table refreshed after it would never change.)
"use strict";

const form = document.getElementById("predict-form");
let card = null; // the model card (GET /model): features' training ranges, the target's range

// A JSON number as the grammar writes it: 1e999 is one, though JavaScript reads it as Infinity.
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/** One typed value as JSON. A number goes as a number; a JSON number too large for JavaScript
 *  (1e999) goes verbatim; anything else as a string. The service judges all three and names
 *  the field ("Input should be a finite number", "... a valid number"). */
function jsonValue(text) {
  const number = Number(text);
  if (Number.isFinite(number)) return JSON.stringify(number);
  return JSON_NUMBER.test(text) ? text : JSON.stringify(text);
}

/** The form as the JSON body of POST /predictions. An emptied field is left out, so the service
 *  answers 422 "Field required" instead of the page guessing a value. */
function bodyFromForm() {
  const members = [];
  for (const field of form.elements) {
    const text = field.name ? field.value.trim() : "";
    if (text !== "") members.push(`${JSON.stringify(field.name)}: ${jsonValue(text)}`);
  }
  return `{${members.join(", ")}}`;
}

function show(id, visible) {
  document.getElementById(id).hidden = !visible;
}

function clearMarks() {
  for (const field of form.elements) {
    field.removeAttribute("aria-invalid");
    field.parentElement.classList.remove("out-of-range");
  }
}

/** The features outside the range the model was trained on, from the card's train_min/max
 *  (the same numbers the service's out_of_range uses): marked on their fields. */
function markOutOfRange(features) {
  const outside = card.features
    .filter((f) => features[f.name] < f.train_min || features[f.name] > f.train_max)
    .map((f) => f.name);
  for (const name of outside) form.elements[name].parentElement.classList.add("out-of-range");
  return outside;
}

/** The prediction, on the scale of the training targets when the card gives it. */
function showScale(prediction) {
  const known = card && card.target_min !== undefined;
  show("scale", known);
  if (!known) return;
  const meter = document.getElementById("scale-meter");
  meter.min = card.target_min;
  meter.max = card.target_max;
  meter.value = prediction;
  document.getElementById("scale-min").textContent = card.target_min;
  document.getElementById("scale-max").textContent = card.target_max;
}

function showPrediction(record, requestId, location) {
  clearMarks();
  document.getElementById("prediction").textContent = record.prediction.toFixed(1);
  showScale(record.prediction);
  const stored = document.getElementById("stored-as");
  stored.textContent = location;
  stored.href = location;
  document.getElementById("model-version").textContent = record.model_version;
  const outside = card ? markOutOfRange(record.features) : null;
  document.getElementById("out-of-range").textContent =
    outside === null ? "unknown (no model card)" : outside.join(", ") || "none";
  document.getElementById("request-id").textContent = requestId || "";
  show("result", true);
  show("errors", false);
}

/** Errors in the contract's two shapes: 422 lists issues with a `loc`, the others one `detail`. */
function showErrors(status, body) {
  const list = document.getElementById("error-list");
  list.replaceChildren();
  clearMarks();
  if (Array.isArray(body.detail)) {
    document.getElementById("error-title").textContent = `${status}: the service refused the input`;
    for (const issue of body.detail) {
      const name = issue.loc[issue.loc.length - 1];
      if (form.elements[name]) form.elements[name].setAttribute("aria-invalid", "true");
      const item = document.createElement("li");
      item.textContent = `${name}: ${issue.msg}`;
      list.append(item);
    }
  } else {
    document.getElementById("error-title").textContent = `${status}: ${body.detail || "error"}`;
  }
  show("errors", true);
  show("result", false);
}

async function predict(event) {
  event.preventDefault();
  show("waiting", false);
  try {
    const response = await fetch("predictions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: bodyFromForm(),
    });
    const body = await response.json();
    if (response.ok) {
      showPrediction(body, response.headers.get("X-Request-ID"), response.headers.get("Location"));
      loadRecent();
    } else {
      showErrors(response.status, body);
    }
  } catch (error) {
    showErrors("network", { detail: String(error) });
  }
}

/** Each field's description and training range, from the model card (GET /model). */
async function describeFeatures() {
  const response = await fetch("model");
  if (!response.ok) return;
  card = await response.json();
  for (const feature of card.features) {
    const field = form.elements[feature.name];
    if (!field) continue;
    field.parentElement.querySelector("small").textContent =
      `${feature.description} (trained on ${feature.train_min}–${feature.train_max})`;
  }
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text;
  return td;
}

function rowOf(item) {
  const row = document.createElement("tr");
  row.append(
    cell(item.id),
    cell(new Date(item.created_at).toLocaleString()),
    cell(Number(item.prediction).toFixed(1)),
    cell(item.actual === null || item.actual === undefined ? "–" : item.actual),
    cell(item.model_version),
  );
  return row;
}

/** The newest stored predictions. A service without GET /predictions (404) hides the panel. */
async function loadRecent() {
  const response = await fetch("predictions?limit=5");
  if (!response.ok) {
    show("recent", false);
    return;
  }
  const page = await response.json();
  const rows = (page.items || []).map(rowOf);
  if (rows.length === 0) {
    const empty = cell("none yet");
    empty.colSpan = 5;
    rows.push(document.createElement("tr"));
    rows[0].append(empty);
  }
  document.getElementById("recent-rows").replaceChildren(...rows);
  show("recent", true);
}

form.addEventListener("submit", predict);
document.getElementById("refresh-recent").addEventListener("click", loadRecent);
describeFeatures();
loadRecent();
