import pytest

from tests.factories import TechnicianFactory


@pytest.fixture
def make_technicians():
    def make(n: int):
        return [TechnicianFactory() for _ in range(n)]

    return make
