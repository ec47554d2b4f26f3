"""The API's description documents its errors, and an API URL that matches no route answers in JSON."""

import pytest


@pytest.fixture
def schema(tenants, db, web):
    return web(tenants.alpha).get("/api/v1/schema/?format=json").json()


def test_every_operation_documents_the_errors_drf_answers(schema):
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert operations
    for path, method, op in operations:
        responses = op["responses"]
        assert {"401", "403"} <= set(responses), (method, path)
        if "{" in path or any(p["name"] == "page" for p in op.get("parameters", [])):
            assert "404" in responses, (method, path)
        if "requestBody" in op:
            assert {"400", "415"} <= set(responses), (method, path)
        if op.get("parameters") and any(p["in"] == "query" for p in op["parameters"]):
            assert "400" in responses, (method, path)
        for code in ("401", "403"):
            body = responses[code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/ErrorDetail"}, (method, path, code)


def test_the_kpi_query_documents_its_validation_errors_and_blank_optional_parameters(schema):
    kpis = schema["paths"]["/api/v1/kpis/"]["get"]
    assert "400" in kpis["responses"]
    blank = {p["name"]: p.get("allowEmptyValue", False) for p in kpis["parameters"]}
    assert blank["key"] and blank["kpi"] and blank["page"] and not blank["scope"]


def test_an_api_url_matching_no_route_is_a_json_404(tenants, people, api, web):
    response = api(tenants.alpha, key=people.alpha_key).get("/api/v1/imports/runs/not-a-number/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}
    page = web(tenants.alpha).get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_query_parameter_given_twice_is_refused_not_half_read(tenants, people, api):
    client = api(tenants.alpha, key=people.alpha_key)
    assert client.get("/api/v1/interactions/?page=1").status_code == 200
    response = client.get("/api/v1/interactions/?page=1&page=")
    assert response.status_code == 400
    assert response.json() == {"page": ["Give this parameter once."]}
