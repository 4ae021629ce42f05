"""The public half of the JSON API: bodies, categories, units, teams, and the API's own shape."""

from __future__ import annotations

import pytest

from tipoff.people.models import Body


def _get(client, url: str, language: str = "en"):
    return client.get(url, headers={"Accept-Language": language})


@pytest.mark.django_db
def test_bodies_are_listed_by_slug_and_name(client, body):
    english = _get(client, "/api/v1/bodies").json()
    chinese = _get(client, "/api/v1/bodies", "zh-hans").json()
    assert english == [
        {
            "slug": "demo",
            "name": "Demo City Commission for Discipline Inspection and Supervision",
            "is_default": True,
        }
    ]
    assert chinese[0]["name"] == "示范市纪律检查委员会 示范市监察委员会"


@pytest.mark.django_db
def test_categories_carry_their_questions_in_the_request_language(client, body):
    english = _get(client, "/api/v1/categories").json()
    chinese = _get(client, "/api/v1/categories?body=demo", "zh-hans").json()
    assert [c["code"] for c in english] == [c["code"] for c in chinese]
    cars = next(c for c in english if c["code"] == "official_cars")
    assert cars["id"] == body.category("official_cars").pk
    assert cars["name"] == "Misuse of official cars" and cars["description"]
    assert cars["questions"][0] == {
        "key": "plate",
        "label": "Licence plate",
        "type": "text",
        "essential": False,
        "required": False,
        "choices": [],
    }
    cars_zh = next(c for c in chinese if c["code"] == "official_cars")
    assert (cars_zh["name"], cars_zh["questions"][0]["label"]) == ("公车私用", "车牌号")


@pytest.mark.django_db
def test_choice_questions_list_their_choices(client, body):
    category = body.category("other")
    category.questions = [
        {
            "key": "level",
            "label_zh": "级别",
            "label_en": "Level",
            "type": "choice",
            "choices": [{"value": "city", "label_zh": "市级", "label_en": "City"}],
        }
    ]
    category.save()
    other = next(c for c in _get(client, "/api/v1/categories").json() if c["code"] == "other")
    assert other["questions"][0]["choices"] == [{"value": "city", "label": "City"}]
    assert other["questions"][0]["essential"] is False


@pytest.mark.django_db
def test_inactive_categories_are_not_offered(client, body):
    category = body.category("other")
    category.active = False
    category.save()
    assert "other" not in [c["code"] for c in _get(client, "/api/v1/categories").json()]


@pytest.mark.django_db
def test_units_and_teams(client, body):
    units = _get(client, "/api/v1/units").json()
    transport = next(u for u in units if u["id"] == body.unit().pk)
    assert transport == {
        "id": body.unit().pk,
        "name": "Municipal Transport Bureau",
        "district": "",
        "district_id": None,
        "parent_id": None,
    }
    nanhu = next(u for u in units if u["name"] == "Nanhu District Government")
    assert nanhu["district"] == "Nanhu District" and nanhu["district_id"]
    districts = _get(client, "/api/v1/districts").json()
    assert [d["name"] for d in districts] == [
        "Dongcheng District",
        "Xicheng District",
        "Nanhu District",
        "Beishan District",
    ]
    teams = _get(client, "/api/v1/teams?body=demo").json()
    assert len(teams) == 6
    assert teams[3]["name"] == "Inspection Team 4" and teams[3]["districts"] == [
        "Dongcheng District",
        "Xicheng District",
    ]
    assert (
        teams[0]["phone"] and teams[0]["email"].endswith("@jw.demo.example") and teams[0]["address"]
    )
    assert _get(client, "/api/v1/teams", "zh-hans").json()[0]["name"] == "第一监督检查室"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/v1/categories", "/api/v1/units", "/api/v1/teams"])
def test_unknown_body_is_404_and_no_body_at_all_too(client, body, url):
    response = _get(client, f"{url}?body=nowhere")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no body with this name.", "errors": {}}
    assert (
        _get(client, f"{url}?body=nowhere", "zh-hans").json()["detail"] != response.json()["detail"]
    )
    Body.objects.update(is_default=False)
    assert _get(client, url).status_code == 200  # falls back to the first body
    assert _get(client, f"{url}?body={'x' * 80}").status_code == 400


@pytest.mark.django_db
def test_empty_deployment_says_no_body_is_set_up(client):
    response = _get(client, "/api/v1/categories")
    assert response.status_code == 404
    assert response.json()["detail"] == "No body is set up yet."
    assert _get(client, "/api/v1/bodies").json() == []


@pytest.mark.django_db
def test_names_vary_by_language_for_caches(client, body):
    assert "Accept-Language" in _get(client, "/api/v1/categories")["Vary"]


# --- the API document and its edges ----------------------------------------------------------


@pytest.mark.django_db
def test_openapi_describes_every_operation_and_field(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) == 13  # intake and follow-up (11), statistics (2)
    assert {"/api/v1/stats", "/api/v1/stats/{body}"} <= set(schema["paths"])
    for operation in operations:
        assert operation.get("description") and operation.get("summary"), operation["operationId"]
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (operation["operationId"], parameter["name"])
        for content in operation.get("requestBody", {}).get("content", {}).values():
            for field, spec in content["schema"].get("properties", {}).items():
                assert spec.get("description"), (operation["operationId"], field)
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field}"
    assert schema["components"]["securitySchemes"]["ReceiptHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-Receipt",
        "description": "The receipt code given when the report was submitted; spaces and dashes are ignored.",
    }
    upload = schema["paths"]["/api/v1/reports/with-evidence"]["post"]["requestBody"]["content"]
    assert set(upload) == {"multipart/form-data"}
    assert upload["multipart/form-data"]["encoding"] == {
        "report": {"contentType": "application/json"}
    }


@pytest.mark.django_db
def test_docs_page_is_off_so_nothing_loads_from_a_cdn(client):
    assert client.get("/api/v1/docs").status_code == 404
    assert b"cdn" not in client.get("/api/v1/openapi.json").content.lower()


@pytest.mark.django_db
def test_wrong_method_answers_json_405(client):
    response = client.delete("/api/v1/categories", headers={"Accept-Language": "en"})
    assert response.status_code == 405
    assert response.json() == {"detail": "This method is not allowed here.", "errors": {}}
    assert response["Allow"] == "GET"


@pytest.mark.django_db
def test_unknown_api_address_is_json_404(client):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.json()["detail"] == "There is nothing at this address."


@pytest.mark.django_db
def test_api_sets_no_cookie(client, body):
    response = client.post(
        "/api/v1/reports",
        data={"category": "other", "what": "Officials skip work every Friday afternoon."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert not response.cookies
