"""Demo simulation: customers write and answer, colleagues answer in team chat and change presence."""

from __future__ import annotations

from tests.kit.wsclient import WsClient


async def test_simulated_customers_write_answer_and_leave(make_center):
    center = make_center(demo=True, simulate_interval_s=0.5, simulate_speed=0.05, simulate_colleagues=False)
    a = await WsClient.login(center.url, center.ca_file, "lead1")  # has every skill
    await a.cmd("state.set", state="available")
    offer = await a.wait_event("offer.new", timeout=15)
    conv = (await a.cmd("offer.accept", offer=offer["data"]["offer"]))["conversation"]
    assert conv["messages"][0]["direction"] == "in" and conv["messages"][0]["text"]
    cid = conv["id"]
    for _ in range(3):  # the customer answers each reply, and leaves after the script
        await a.cmd("conv.send", conversation=cid, text="Let me check that for you.")
    await a.wait_event("conv.message", lambda d: d["conversation"] == cid and d["message"]["direction"] == "in",
                       timeout=15)
    await a.wait_event("conv.updated", lambda d: d["conversation"]["id"] == cid
                       and d["conversation"]["status"] == "wrapup", timeout=20)
    await a.close()


async def test_simulated_colleague_answers_a_direct_message(make_center):
    center = make_center(demo=True, simulate_customers=False, simulate_speed=0.05)
    a = await WsClient.login(center.url, center.ca_file, "agent1")
    await a.cmd("team.send", room="dm:bo-sanne", text="Can you check the refund for customer 1234?")
    reply = await a.wait_event("team.message", lambda d: d["message"]["from"]["user"] == "bo-sanne", timeout=15)
    assert reply["data"]["room"] == "dm:bo-sanne" and reply["data"]["message"]["text"]
    # colleagues' presence changes reach the agent as batched deltas
    change = await a.wait_event("presence.delta", lambda d: any(p["user"].startswith(("bo-", "care-"))
                                                                 for p in d["changes"]), timeout=15)
    assert change
    await a.close()
