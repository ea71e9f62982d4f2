def test_tmp_smoke(page, live_server, login, assert_accessible):
    page.goto(live_server + "/auth/login")
    assert_accessible(page)
    login(page, live_server, "kontakt@bergen.example")
    print("URL after login:", page.url, page.title())
    assert "/auth/login" not in page.url
    assert_accessible(page)
