from tests.conftest import CONTACT, login


def test_contact_sees_own_assessments(client):
    login(client, CONTACT)
    response = client.get("/assessments/")
    assert response.status_code == 200
    assert "Rainbow Cities Network" in response.get_data(as_text=True)
