"""Which indicators a map shows and in which classes: the map settings honoured."""


def test_the_need_index_is_classed_in_the_maps_number_of_classes(sample):
    from sociale_kaart.analysis.need import analyse
    from sociale_kaart.render.map_choice import map_classes
    from sociale_kaart.settings import MapSettings

    analysis = analyse(sample)
    indicators = [ind for ind in sample.indicators if ind.role == "behoefte"]
    for k in (3, 4, 6):
        classes = map_classes(sample, analysis, indicators, MapSettings(k=k))
        assert len(classes["behoefte_index"].bins) == k
