"""A message longer than Telegram allows goes out as several, each one Telegram accepts."""

import html

from hypothesis import given
from hypothesis import strategies as st

from bot.coach_bot import MAX_TEXT, split_text, visible
from tests.fake_telegram import plain_text

words = st.text(alphabet="abc &<>é🏃", max_size=60).map(html.escape)
line = st.one_of(
    st.builds(lambda w: f"<b>{w}</b> · <i>{w}</i>", words),
    st.text(alphabet="xyz &<", max_size=9000).map(html.escape),
)


@given(st.lists(line, max_size=400), st.integers(min_value=50, max_value=MAX_TEXT))
def test_parts_fit_and_keep_every_line(lines: list[str], limit: int) -> None:
    text = "\n".join(lines)
    parts = split_text(text, limit)
    for part in parts:
        assert len(plain_text(part, "HTML")) <= limit  # and it parses: no tag cut in two
    if all(len(visible(x)) <= limit for x in lines):
        assert "\n".join(parts).replace("\n", "") == text.replace("\n", "")


async def test_a_long_history_arrives_in_parts(telegram, bot) -> None:
    text = "\n".join(f"<b>Plan {i}</b> · Berlin Marathon · 3:59:59" for i in range(400))
    await bot.bot.send_message(7, text)
    sent = [c for c in telegram.calls if c.method == "sendMessage"]
    assert len(sent) >= 3 and "Plan 399" in sent[-1].text
    assert not telegram.refused


async def test_a_long_caption_follows_its_photo(telegram, bot) -> None:
    caption = "<b>Week 3</b>\n" + "\n".join(f"Mon {i}: easy 5 mi ✅" for i in range(80))
    await bot.bot.send_photo(7, b"\x89PNG fake", caption=caption)
    photo, text = [c for c in telegram.calls if c.method in ("sendPhoto", "sendMessage")]
    assert photo.method == "sendPhoto" and "caption" not in photo.params
    assert text.method == "sendMessage" and "Mon 79" in text.text
    assert not telegram.refused
