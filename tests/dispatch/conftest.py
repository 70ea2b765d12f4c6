import pytest

from tests.factories import TechnicianFactory


@pytest.fixture
def dispatcher_client(client, dispatcher):
    client.force_login(dispatcher)
    return client


@pytest.fixture
def make_technicians():
    def make(n: int):
        return [TechnicianFactory() for _ in range(n)]

    return make
