import pytest

from catalog.codes import normalize_code, split_codes
from catalog.selectors import codes_starting, match_codes
from customers.models import ApplianceModel
from tests.factories import (
    ApplianceFactory,
    ApplianceModelFactory,
    ErrorCodeFactory,
    SkillFactory,
    open_ticket,
)


@pytest.mark.parametrize("typed", ["E21", "e21", "e 21", " E-21 ", "e.21"])
def test_normalize_ignores_case_spaces_and_separators(typed):
    assert normalize_code(typed) == "E21"


def test_split_codes_keeps_each_as_typed():
    assert split_codes("e 21, F05;3E\n") == ["e 21", "F05", "3E"]


@pytest.mark.django_db
def test_model_specific_code_wins_over_family_code():
    model = ApplianceModelFactory(manufacturer="Bosch", model_number="WAX28")
    family = ErrorCodeFactory(manufacturer="Bosch", code="E21", title="Family meaning")
    specific = ErrorCodeFactory(
        appliance_model=model, manufacturer="Bosch", code="E21", title="Model meaning"
    )

    result = match_codes(["e 21"], model)

    assert result.matched == [specific]
    assert family not in result.matched
    assert result.unknown == []


@pytest.mark.django_db
def test_family_code_matches_when_model_has_none():
    model = ApplianceModelFactory(manufacturer="Bosch", model_number="WAX30")
    family = ErrorCodeFactory(manufacturer="bosch", code="F05")

    assert match_codes(["f05"], model).matched == [family]


@pytest.mark.django_db
def test_code_of_another_category_does_not_match():
    model = ApplianceModelFactory(manufacturer="Bosch", model_number="WAX31")
    ErrorCodeFactory(manufacturer="Bosch", category=ApplianceModel.Category.DISHWASHER, code="E24")

    result = match_codes(["E24"], model)

    assert result.matched == []
    assert result.unknown == ["E24"]


@pytest.mark.django_db
def test_unknown_codes_are_kept_and_flagged_on_the_ticket():
    drain = SkillFactory(code="drain", name="Drains")
    code = ErrorCodeFactory(code="E21", skills=[drain])

    appliance = ApplianceFactory(model__manufacturer="Whirlpool")

    ticket = open_ticket(appliance=appliance, codes=["e 21", "ZZ9"])

    assert ticket.reported_codes == ["e 21", "ZZ9"]
    assert list(ticket.error_codes.all()) == [code]
    assert ticket.unknown_codes == ["ZZ9"]
    assert list(ticket.required_skills.all()) == [drain]


@pytest.mark.django_db
def test_codes_starting_lists_each_code_once_the_models_own_entry_first():
    model = ApplianceModelFactory()
    family = ErrorCodeFactory(
        appliance_model=None,
        manufacturer=model.manufacturer,
        category=model.category,
        code="E133",
        title="Family",
    )
    own = ErrorCodeFactory(appliance_model=model, code="E-133", title="Own")
    other = ErrorCodeFactory(
        appliance_model=None,
        manufacturer=model.manufacturer,
        category=model.category,
        code="E134",
    )

    found = list(codes_starting(model=model, typed="e13", limit=8))

    assert found == [own, other]
    assert family not in found
