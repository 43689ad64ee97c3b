"""A Streamlit dashboard for the model: `make run-dashboard SERVICE_URL=http://127.0.0.1:8000`.

Three panels, each a few HTTP calls to the service (either twin: the contract is the same):

- Predict for a patient: ten inputs, each with its training range from the model card
  (`GET /model`); Predict stores the prediction (`POST /predictions`), so an actual can follow.
- The stored predictions with their actuals (`GET /predictions`), and a form to record an actual
  (`PUT /predictions/{id}/actual`) when the outcome is known.
- The model's error over time: the running mean absolute error of the predictions whose actual is
  known, in the order they were made, beside the card's held-out MAE (`GET /model/performance`
  gives the same final number). The store keeps when a prediction was made, not when its actual
  arrived, so the x axis counts actuals rather than telling time.

Streamlit runs this whole script again on every click, top to bottom: no callbacks, no state but
what `st.session_state` keeps. That is why a dashboard is a few dozen lines, and why each rerun
costs a few requests to the service.
"""

import os

import pandas as pd
import requests
import streamlit as st

DEFAULT_SERVICE_URL = "http://127.0.0.1:8000"
PAGE_SIZE = 100  # the most GET /predictions returns at once
MAX_PAGES = 10  # the dashboard reads at most the newest 1000 stored predictions


class ServiceError(Exception):
    """The service refused a request: its status and the contract's `detail`, as one line."""

    def __init__(self, response: requests.Response) -> None:
        self.status_code = response.status_code
        try:
            detail = response.json().get("detail")
        except (ValueError, AttributeError):  # not the contract's JSON: a proxy's page, say
            detail = response.reason
        if isinstance(detail, list):  # a 422: one issue per refused field
            detail = "; ".join(f"{issue['loc'][-1]}: {issue['msg']}" for issue in detail)
        super().__init__(f"{response.status_code}: {detail}")


# What a panel shows instead of a traceback: the service refused, or could not be reached.
UNAVAILABLE = (requests.RequestException, ServiceError)


def call(method: str, path: str, **kwargs) -> dict:
    response = requests.request(method, st.session_state.service_url + path, timeout=10, **kwargs)
    if response.status_code >= 400:
        raise ServiceError(response)
    return response.json()


def stored_predictions() -> pd.DataFrame:
    """The newest stored predictions (up to MAX_PAGES pages), oldest first."""
    items: list[dict] = []
    for page in range(MAX_PAGES):
        answer = call(
            "GET", "/predictions", params={"limit": PAGE_SIZE, "offset": page * PAGE_SIZE}
        )
        items += answer["items"]
        if len(items) >= answer["total"]:
            break
    columns = ["id", "created_at", "prediction", "actual", "model_version"]
    table = pd.DataFrame(items, columns=columns)
    table["created_at"] = pd.to_datetime(table["created_at"])
    return table.sort_values("id").reset_index(drop=True)


def running_error(table: pd.DataFrame) -> pd.DataFrame:
    """The mean absolute error after each actual, counting the predictions with an actual in the
    order they were made: the line the error follows as outcomes arrive."""
    known = table.dropna(subset=["actual"])
    errors = (known["prediction"] - known["actual"]).abs().reset_index(drop=True)
    return pd.DataFrame(
        {"predictions with an actual": errors.index + 1, "running MAE": errors.expanding().mean()}
    )


def patient_form(card: dict) -> dict | None:
    """Ten inputs, each captioned with its training range; the patient once Predict is pressed.
    Nothing is clamped to the training range: the service accepts a value outside it and says so."""
    with st.form("patient"):
        columns = st.columns(2)
        patient = {}
        for index, feature in enumerate(card["features"]):
            name, low, high = feature["name"], feature["train_min"], feature["train_max"]
            with columns[index % 2]:
                if name == "sex":
                    patient[name] = st.selectbox(name, [1, 2], help=feature["description"])
                else:
                    middle = round((low + high) / 2, 2)
                    patient[name] = st.number_input(
                        name, value=middle, format="%g", help=feature["description"]
                    )
                st.caption(f"trained on {low:g} to {high:g}")
        pressed = st.form_submit_button("Predict and store")
    return patient if pressed else None


def show_prediction(card: dict, record: dict) -> None:
    low, high = card["target_min"], card["target_max"]
    st.metric("Predicted progression", f"{record['prediction']:.1f}")
    share = min(max((record["prediction"] - low) / (high - low), 0.0), 1.0)
    st.progress(share, text=f"on the scale of the training outcomes, {low:g} to {high:g}")
    outside = [
        f"{f['name']} = {record['features'][f['name']]:g} (trained on {f['train_min']:g} to "
        f"{f['train_max']:g})"
        for f in card["features"]
        if not f["train_min"] <= record["features"][f["name"]] <= f["train_max"]
    ]
    if outside:
        st.warning("Outside the training range, so the model extrapolates: " + "; ".join(outside))
    st.success(f"Stored as prediction {record['id']}: record its actual below when it is known.")


def predict_panel(card: dict) -> None:
    st.header("Predict for a patient")
    patient = patient_form(card)
    if patient is None:
        return
    try:
        show_prediction(card, call("POST", "/predictions", json=patient))
    except ServiceError as refused:
        if refused.status_code >= 500:
            st.error(f"The service could not predict and store the patient now: {refused}")
        else:
            st.error(f"The service refused the patient: {refused}")
    except requests.RequestException as error:
        st.error(f"No answer from {st.session_state.service_url}: {error}")


def actual_form() -> None:
    with st.form("actual"):
        st.write("Record an observed outcome")
        prediction_id = st.number_input("prediction id", min_value=1, step=1, value=None)
        value = st.number_input("actual value", min_value=0.0, value=None, format="%g")
        if st.form_submit_button("Record actual"):
            try:
                call("PUT", f"/predictions/{prediction_id}/actual", json={"value": value})
                st.success(f"Recorded {value:g} for prediction {prediction_id}.")
            except UNAVAILABLE as refused:
                st.error(f"The service refused the actual: {refused}")


def stored_panel() -> pd.DataFrame:
    st.header("Stored predictions and their actuals")
    actual_form()  # first, so the table below already shows what it records
    table = stored_predictions()
    if table.empty:
        st.info("No stored predictions yet: predict for a patient above.")
    else:
        newest_first = table.iloc[::-1]
        st.dataframe(newest_first, hide_index=True, width="stretch")
    return table


def error_panel(card: dict, table: pd.DataFrame) -> None:
    st.header("The model's error over time")
    performance = call("GET", "/model/performance")
    held_out = card["metrics"]["mae"]
    left, middle, right = st.columns(3)
    left.metric("Predictions with an actual", performance["count"])
    live = performance["mae"]
    middle.metric("Live MAE", "none yet" if live is None else f"{live:.1f}")
    right.metric("Held-out MAE (model card)", f"{held_out:.1f}")
    history = running_error(table)
    if history.empty:
        st.info("No actuals yet: the error appears as outcomes are recorded.")
        return
    history["held-out MAE"] = held_out
    st.line_chart(history, x="predictions with an actual", y=["running MAE", "held-out MAE"])


def main() -> None:
    st.set_page_config(page_title="Diabetes progression", layout="wide")
    st.title("Diabetes progression: dashboard")
    default_url = os.environ.get("SERVICE_URL") or DEFAULT_SERVICE_URL
    st.sidebar.text_input("Service URL", default_url, key="service_url")
    try:
        card = call("GET", "/model")
    except UNAVAILABLE as error:
        st.error(f"No model card from {st.session_state.service_url}: {error}")
        st.stop()
    st.sidebar.write(f"Model **{card['name']}** version **{card['version']}**")
    predict_panel(card)
    try:
        table = stored_panel()
        error_panel(card, table)
    except UNAVAILABLE as error:
        # The store can be down while the model answers (503 "Prediction store is unavailable"):
        # say so where the tables would be, and keep the page.
        st.error(f"The stored predictions cannot be read now: {error}")


main()
