"""restd.shared_fetch.SharedFetches on its own (no cluster): who gets a fetch's end,
and that a shared list's records are released once, whatever the participants do."""
import asyncio

import pytest

from restd.plugin_api import ListStream
from restd.shared_fetch import Outcome, SharedFetches


class Fetch:
    """A fetch that ends when the test says, with one ListStream whose release is counted."""

    def __init__(self):
        self.started = 0
        self.released = 0
        self.end: asyncio.Future = None

    async def __call__(self) -> Outcome:
        self.started += 1
        self.end = asyncio.get_running_loop().create_future()
        await self.end
        stream = ListStream(3, lambda start, stop: list(range(start, stop)), self._release)
        return Outcome({"jobs": stream}, 200, [], [])

    def _release(self):
        self.released += 1


async def participate(shared: SharedFetches, fetch: Fetch):
    outcome, result = await shared.run(("GET", "/jobs"), fetch)
    view = result["jobs"]
    items = view.render_range(0, 3)
    view.close()
    return items


async def turns(count: int = 3):
    for _ in range(count):
        await asyncio.sleep(0)


def test_participants_share_one_fetch_and_its_records_are_released_once():
    async def scenario():
        shared, fetch = SharedFetches(), Fetch()
        tasks = [asyncio.ensure_future(participate(shared, fetch)) for _ in range(3)]
        await turns()
        fetch.end.set_result(None)
        return await asyncio.gather(*tasks), shared, fetch

    answers, shared, fetch = asyncio.run(scenario())
    assert answers == [[0, 1, 2]] * 3
    assert (fetch.started, shared.started, shared.joined, fetch.released) == (1, 1, 2, 1)
    assert len(shared) == 0


@pytest.mark.parametrize("cancelled_first", [True, False])
def test_a_participant_that_leaves_does_not_end_the_fetch_nor_keep_its_records(
        cancelled_first):
    # cancelled_first False: the fetch ends and the participant leaves in the same turn
    # (its share must still be given back)
    async def scenario():
        shared, fetch = SharedFetches(), Fetch()
        leaving = asyncio.ensure_future(participate(shared, fetch))
        staying = asyncio.ensure_future(participate(shared, fetch))
        await turns()
        if cancelled_first:
            leaving.cancel()
            fetch.end.set_result(None)
        else:
            # the fetch's task ends before the leaving participant wakes, and its end
            # is handed out after that participant has left
            fetch.end.set_result(None)
            leaving.cancel()
        with pytest.raises(asyncio.CancelledError):
            await leaving
        return await staying, fetch

    answer, fetch = asyncio.run(scenario())
    assert answer == [0, 1, 2]
    assert fetch.released == 1


def test_a_failed_or_cancelled_fetch_reaches_every_participant():
    async def scenario(end):
        shared, fetch = SharedFetches(), Fetch()
        tasks = [asyncio.ensure_future(participate(shared, fetch)) for _ in range(2)]
        await turns()
        end(fetch)
        return await asyncio.gather(*tasks, return_exceptions=True)

    failed = asyncio.run(scenario(lambda fetch: fetch.end.set_exception(OSError("gone"))))
    assert [type(answer) for answer in failed] == [OSError, OSError]
    cancelled = asyncio.run(scenario(lambda fetch: fetch.end.cancel()))
    assert [type(answer) for answer in cancelled] == [asyncio.CancelledError] * 2
