"""The pages show the users' current handles and names in old conversations, from the first request after a
rename."""
import re


def test_a_rename_shows_on_the_list_and_the_conversation_page(andrew_client, conversation_uuid, bayko):
    andrew_client.get("/messages")
    andrew_client.get(f"/messages/{conversation_uuid}")
    bayko.handle, bayko.display_name = "bayko_v2", "Bayko the Second"
    bayko.save()

    listing = andrew_client.get("/messages").content.decode()
    assert '<span class="name">Bayko the Second</span>' in listing
    assert '<span class="handle">@bayko_v2</span>' in listing
    assert "Andrew Bayko" not in listing

    page = andrew_client.get(f"/messages/{conversation_uuid}").content.decode()
    assert re.search(r'<h1 class="conversation-title">\s*Bayko the Second <span class="handle">@bayko_v2</span>', page)
    assert "Andrew Bayko" not in page
    assert 'action="/people/@bayko_v2/block"' in page
