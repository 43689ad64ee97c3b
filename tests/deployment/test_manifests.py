"""deploy/kubernetes/ and deploy/kserve/, validated offline as a cluster would read them.

Core kinds against Kubernetes' own schemas in strict mode (PyPI `kubernetes-validate`: a field
Kubernetes does not know fails, as `kubectl apply --validate=strict` would); the KServe
InferenceService against the schema taken from KServe's SDK (deploy/kserve/schema_from_sdk.py),
whose Kubernetes parts point into the same schemas. Then what no schema knows: the manifests
agree with the images, the settings and each other. `make lint` runs this file too.
"""

import json
import re
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from referencing import Registry, Resource

from shared.core.settings import PROJECT_ROOT, Settings
from shared.core.train import MODEL_NAME

KUBERNETES_VERSION = "1.37.0"
KUBERNETES = PROJECT_ROOT / "deploy" / "kubernetes"
KSERVE = PROJECT_ROOT / "deploy" / "kserve"
SERVICES = ("fastapi", "flask")
MANIFESTS = sorted(KUBERNETES.rglob("*.yaml"))


def documents(path: Path) -> list[dict]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def by_kind(service: str) -> dict[str, dict]:
    return {document["kind"]: document for document in documents(KUBERNETES / f"{service}.yaml")}


def dockerfile_setting(service: str, pattern: str) -> str:
    text = (PROJECT_ROOT / "deploy" / "docker" / f"{service}.Dockerfile").read_text()
    return re.search(pattern, text).group(1)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda path: str(path.relative_to(KUBERNETES)))
def test_manifest_is_valid_kubernetes_in_strict_mode(path):
    for document in documents(path):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_a_field_kubernetes_does_not_know_fails_validation():
    deployment = by_kind("fastapi")["Deployment"]
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


@pytest.fixture(scope="module")
def inference_service_validator() -> jsonschema.Draft202012Validator:
    schemas = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    definitions = json.loads(
        (schemas / f"v{KUBERNETES_VERSION}-local-strict" / "_definitions.json").read_text()
    )
    registry = Registry().with_resource(definitions["$id"], Resource.from_contents(definitions))
    schema = json.loads((KSERVE / "inferenceservice.schema.json").read_text())
    return jsonschema.Draft202012Validator(schema, registry=registry)


def test_inference_service_is_valid_against_kserves_schema(inference_service_validator):
    (service,) = documents(KSERVE / "inferenceservice.yaml")
    errors = [error.message for error in inference_service_validator.iter_errors(service)]
    assert errors == []


def test_a_field_kserve_does_not_know_fails_validation(inference_service_validator):
    (service,) = documents(KSERVE / "inferenceservice.yaml")
    service["spec"]["predictor"]["minReplica"] = 1
    service["spec"]["predictor"]["containers"][0]["ports"][0]["containerPort"] = "8000"
    assert len(list(inference_service_validator.iter_errors(service))) == 2


def test_inference_service_runs_the_fastapi_image_on_its_port_and_v2_paths():
    (service,) = documents(KSERVE / "inferenceservice.yaml")
    (container,) = service["spec"]["predictor"]["containers"]
    port = int(dockerfile_setting("fastapi", r"PORT=(\d+)"))
    assert container["ports"][0]["containerPort"] == port
    assert container["readinessProbe"]["httpGet"] == {
        "path": f"/v2/models/{MODEL_NAME}/ready",
        "port": port,
    }
    assert container["livenessProbe"]["httpGet"]["path"] == "/v2/health/live"
    assert service["metadata"]["name"] == MODEL_NAME


def test_the_twins_differ_only_in_name_port_and_comments():
    fastapi, flask = ((KUBERNETES / f"{service}.yaml").read_text() for service in SERVICES)
    as_fastapi = flask.replace("flask", "fastapi").replace("8001", "8000")
    assert list(yaml.safe_load_all(as_fastapi)) == list(yaml.safe_load_all(fastapi))


@pytest.mark.parametrize("service", SERVICES)
def test_deployment_probes_health_and_ready_on_the_images_port(service):
    (container,) = by_kind(service)["Deployment"]["spec"]["template"]["spec"]["containers"]
    port = int(dockerfile_setting(service, r"PORT=(\d+)"))
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert container["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
    assert container["resources"]["requests"] and container["resources"]["limits"]


@pytest.mark.parametrize("service", SERVICES)
def test_deployment_runs_as_the_images_user(service):
    user, group = dockerfile_setting(service, r"USER (\d+:\d+)").split(":")
    context = by_kind(service)["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    assert (context["runAsUser"], context["runAsGroup"]) == (int(user), int(group))
    assert context["runAsNonRoot"] is True


@pytest.mark.parametrize("service", SERVICES)
def test_deployment_sets_only_variables_the_service_reads(service):
    (container,) = by_kind(service)["Deployment"]["spec"]["template"]["spec"]["containers"]
    known = {name.upper() for name in Settings.model_fields} | {"HOST", "PORT", "WORKERS"}
    assert {variable["name"] for variable in container["env"]} <= known


@pytest.mark.parametrize("service", SERVICES)
def test_secrets_the_deployment_reads_are_in_the_example(service):
    (container,) = by_kind(service)["Deployment"]["spec"]["template"]["spec"]["containers"]
    examples = {
        secret["metadata"]["name"]: secret["stringData"]
        for secret in documents(KUBERNETES / "example" / "secrets.yaml")
    }
    references = [
        variable["valueFrom"]["secretKeyRef"]
        for variable in container["env"]
        if "valueFrom" in variable
    ]
    assert {"diabetes-postgres", "diabetes-api-key"} == {ref["name"] for ref in references}
    for reference in references:
        assert reference["key"] in examples[reference["name"]]
    assert examples["diabetes-postgres"]["database-url"].startswith("postgresql+psycopg://")


@pytest.mark.parametrize("service", SERVICES)
def test_service_hpa_and_pdb_point_at_the_deployments_pods(service):
    kinds = by_kind(service)
    deployment = kinds["Deployment"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert kinds["Service"]["spec"]["selector"].items() <= pod_labels.items()
    assert kinds["Service"]["spec"]["ports"][0]["targetPort"] == "http"
    assert kinds["PodDisruptionBudget"]["spec"]["selector"]["matchLabels"].items() <= (
        pod_labels.items()
    )
    target = kinds["HorizontalPodAutoscaler"]["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])
    assert kinds["HorizontalPodAutoscaler"]["spec"]["minReplicas"] >= 2  # the PDB can hold one
