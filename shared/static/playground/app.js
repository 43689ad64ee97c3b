// The playground: a plain-JavaScript client of the API, served by the API itself (same origin,
// so no CORS is needed). No framework and no build step: fetch(), JSON and the DOM.
"use strict";

const form = document.getElementById("predict-form");

/** The form as the JSON body of POST /predict. An emptied field is left out, so the service
 *  answers 422 "missing" instead of the page guessing a value. */
function patientFromForm() {
  const patient = {};
  for (const field of form.elements) {
    if (!field.name || field.value.trim() === "") continue;
    patient[field.name] = Number(field.value);
  }
  return patient;
}

function show(id, visible) {
  document.getElementById(id).hidden = !visible;
}

function showPrediction(answer, requestId) {
  document.getElementById("prediction").textContent = answer.prediction.toFixed(1);
  document.getElementById("model-version").textContent = answer.model_version;
  document.getElementById("out-of-range").textContent =
    answer.out_of_range.length ? answer.out_of_range.join(", ") : "none";
  document.getElementById("request-id").textContent = requestId || "";
  show("result", true);
  show("errors", false);
}

/** Errors in the contract's two shapes: 422 lists issues with a `loc`, the others one `detail`. */
function showErrors(status, body) {
  const list = document.getElementById("error-list");
  list.replaceChildren();
  for (const field of form.elements) field.removeAttribute("aria-invalid");
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
    const response = await fetch("/predict", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(patientFromForm()),
    });
    const body = await response.json();
    if (response.ok) {
      for (const field of form.elements) field.removeAttribute("aria-invalid");
      showPrediction(body, response.headers.get("X-Request-ID"));
    } else {
      showErrors(response.status, body);
    }
  } catch (error) {
    showErrors("network", { detail: String(error) });
  }
}

/** Each field's description and training range, from the model card (GET /model). */
async function describeFeatures() {
  const response = await fetch("/model");
  if (!response.ok) return;
  const card = await response.json();
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

/** The newest stored predictions. A service without GET /predictions (404) hides the panel. */
async function loadRecent() {
  const response = await fetch("/predictions?limit=5");
  if (!response.ok) {
    show("recent", false);
    return;
  }
  const page = await response.json();
  const rows = (page.items || []).map((item) => {
    const row = document.createElement("tr");
    row.append(
      cell(item.id),
      cell(new Date(item.created_at).toLocaleString()),
      cell(Number(item.prediction).toFixed(1)),
      cell(item.actual === null || item.actual === undefined ? "–" : item.actual),
      cell(item.model_version),
    );
    return row;
  });
  document.getElementById("recent-rows").replaceChildren(...rows);
  show("recent", true);
}

form.addEventListener("submit", predict);
document.getElementById("refresh-recent").addEventListener("click", loadRecent);
describeFeatures();
loadRecent();
