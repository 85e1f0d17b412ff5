"""Bad input -> ValueError naming the parameter, the value and the allowed range."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp

from contagion import Stimulus, ContagionModel, EmotionAgent, Pin, Shock, networks
from contagion.graphs import read_graph
from contagion.params import PARAMETERS, parse_value

N = 10


def _graph():
    return networks.small_world(N, degree=4, rng=1)


def _weighted(weight):
    graph = nx.Graph()
    graph.add_edge(0, 1, weight=1.0)
    graph.add_edge(1, 2, weight=weight)
    return graph


BAD_KEYWORDS = [
    (dict(mirroring=31.5), r"mirroring=31\.5 is out of range: allowed \[0, 30\]"),
    (dict(regulation=-0.1), r"regulation=-0\.1 is out of range: allowed \[0, 30\]"),
    (dict(negativity_gain=0.5), r"negativity_gain=0\.5 is out of range: allowed \[1, 5\]"),
    (dict(anticipation=61), r"anticipation=61 is out of range: allowed \[0, 60\]"),
    (dict(expertise_gain=3.0), r"expertise_gain=3(\.0)? is out of range: allowed \[0, 2\]"),
    (dict(outgroup_sign=-2), r"outgroup_sign=-2 is out of range: allowed \[-1, 1\]"),
    (dict(noise=float("nan")), r"noise=nan is out of range: allowed \[0, 2\]"),
    (dict(mirroring=float("inf")), r"mirroring=inf is out of range"),
    (dict(initial_valence=2.0), r"initial_valence=2(\.0)? is out of range: allowed \[-1, 1\]"),
    (dict(baseline_arousal=-0.5), r"baseline_arousal=-0\.5 is out of range: allowed \[0, 1\]"),
    (dict(mirroring=[0.1] * (N - 1) + [np.nan]),
     r"mirroring\[9\]=nan is out of range: allowed \[0, 30\] \(NaN is never allowed\)"),
    (dict(expressiveness=np.array([0.5] * (N - 1) + [1.2])),
     r"expressiveness\[9\]=1\.2 is out of range: allowed \[0, 1\]"),
    (dict(mirroring=[0.1] * (N - 1)), rf"mirroring has shape \({N - 1},\) but the graph has {N}"),
    (dict(regulation=np.zeros((2, N))), r"regulation has shape \(2, 10\)"),
    (dict(mirroring="high"), r"mirroring='high' is not numeric: allowed \[0, 30\]"),
    (dict(mirroring=True), r"mirroring=True is not a number"),
    (dict(noise=[0.1] * N), r"noise=\[0\.1, .*is not a number: allowed \[0, 2\]"),
    (dict(mirroring={0: 0.1}), r"mirroring mapping has no value for nodes \[1, 2, 3"),
    (dict(group=["a"] * (N - 1)), rf"group has {N - 1} values but the graph has {N} agents"),
    (dict(mirorring=0.5), r"unknown parameter 'mirorring' \(did you mean 'mirroring'\?\)"),
    (dict(negativitygain=2), r"unknown parameter 'negativitygain' \(did you mean "
                             r"'negativity_gain'\?\)"),
    (dict(engine="fast"), r"engine='fast' is not known: allowed vectorized, agents"),
    (dict(collect_every=0), r"collect_every=0 is invalid: allowed integers >= 1"),
    (dict(agent_class=object), r"agent_class=.*is not a subclass of EmotionAgent"),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_KEYWORDS,
                         ids=[next(iter(k)) for k, _ in BAD_KEYWORDS])
def test_bad_keyword_raises_naming_it(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ContagionModel(_graph(), rng=1, **kwargs)


def test_unknown_parameter_lists_valid_names():
    with pytest.raises(ValueError, match=r"valid names: .*mirroring.*regulation"):
        ContagionModel(_graph(), rng=1, zzz=1)


@pytest.mark.parametrize("name", [n for n, p in PARAMETERS.items() if p.per_agent])
def test_every_per_agent_parameter_rejects_nan_and_out_of_range(name):
    p = PARAMETERS[name]
    values = np.full(N, p.low)
    values[4] = np.nan
    with pytest.raises(ValueError, match=rf"{name}\[4\]=nan"):
        ContagionModel(_graph(), rng=1, **{name: values})
    with pytest.raises(ValueError, match=rf"{name}=.* is out of range: allowed \[{p.low:g}, "):
        ContagionModel(_graph(), rng=1, **{name: p.low - 1})


@pytest.mark.parametrize(("graph", "message"), [
    (nx.Graph(), r"graph has no nodes"),
    (nx.DiGraph(), r"graph has no nodes"),
    (_weighted(-1.0), r"edge \(1, 2\) has weight=-1\.0: allowed \[0, 1e\+09\]"),
    (_weighted(float("nan")), r"edge \(1, 2\) has weight=nan"),
    (_weighted(float("inf")), r"edge \(1, 2\) has weight=inf"),
    (_weighted("strong"), r"edge \(1, 2\) has weight='strong': allowed numbers >= 0"),
    (sp.csr_array((0, 0)), r"graph matrix has shape \(0, 0\)"),
    (sp.csr_array(np.ones((2, 3))), r"graph matrix has shape \(2, 3\)"),
    (sp.csr_array(np.array([[0.0, -1.0], [1.0, 0.0]])), r"entries outside \[0, 1e\+09\]"),
    (sp.csr_array(np.array([[0.0, np.nan], [1.0, 0.0]])), r"entries outside \[0, 1e\+09\]"),
    ("karate.graphml", r"graph='karate.graphml' looks like a file: read it with "
                       r"contagion.graphs.read_graph"),
    ("small-world:many", r"graph='small-world:many' is not a network name: allowed FAMILY:AGENTS"),
    ([(0, 1)], r"graph=list is not a network"),
], ids=["empty", "empty-directed", "negative", "nan", "inf", "text", "sparse-empty",
        "sparse-rect", "sparse-neg", "sparse-nan", "path", "bad-name", "edge-list"])
def test_bad_graph(graph, message):
    with pytest.raises(ValueError, match=message):
        ContagionModel(graph, rng=1)


@pytest.mark.parametrize("steps", [-1, 1.5, "10", None, True])
def test_bad_steps(steps):
    model = ContagionModel(_graph(), rng=1)
    with pytest.raises(ValueError, match=rf"steps={steps!r} is invalid: allowed integers >= 0"):
        model.run(steps)


# -- events ------------------------------------------------------------------------

@pytest.mark.parametrize(("events", "message"), [
    ([Shock(1, who="home")], r"group 'home' is not a group of this model: groups are "
                             r"\(none: the model has no groups\)"),
    ([Pin(who="away")], r"group 'away' is not a group"),
    ([Stimulus(who=[0, 99])], r"who lists nodes that are not in the graph: \[99\]"),
    ([Shock(1, who=["zero"])], r"who lists nodes that are not in the graph: \['zero'\]"),
    ([Shock(1, who=3)], r"who=3 is not a group name, a list of nodes or a predicate"),
    (["goal"], r"events: 'goal' is not a Stimulus, Shock or Pin"),
])
def test_events_naming_unknown_groups_or_nodes(events, message):
    with pytest.raises(ValueError, match=message):
        ContagionModel(_graph(), rng=1, events=events)


def test_broadcast_unknown_source_group_lists_groups():
    with pytest.raises(ValueError, match=r"group 'rivals' is not a group of this model: "
                                         r"groups are a, b"):
        ContagionModel(_graph(), rng=1, group=["a", "b"] * (N // 2),
                       events=[Stimulus(source_group="rivals")])


def test_add_event_rejects_unknown_group_and_keeps_events():
    model = ContagionModel(_graph(), rng=1)
    if not hasattr(model, "add_event"):
        pytest.skip("add_event not available")
    with pytest.raises(ValueError, match=r"group 'home' is not a group"):
        model.add_event(Shock(2, who="home"))
    assert model.events == ()


@pytest.mark.parametrize(("make", "message"), [
    (lambda: Shock(-1), r"step=-1 is not a valid step: allowed integers >= 0"),
    (lambda: Shock(1.5), r"step=1\.5 is not a valid step"),
    (lambda: Shock(True), r"step=True is not a valid step"),
    (lambda: Shock(1, valence=3), r"valence=3 is out of range: allowed \[-2, 2\]"),
    (lambda: Shock(1, arousal=-1.5), r"arousal=-1\.5 is out of range: allowed \[-1, 1\]"),
    (lambda: Shock(1, valence=float("nan")), r"valence=nan is out of range"),
    (lambda: Shock(1, valence="big"), r"valence='big' is not a number"),
    (lambda: Shock(1, valence=[0.1, 0.2]), r"valence=\[0\.1, 0\.2\] is not a number"),
    (lambda: Pin(start=3, stop=2), r"stop=2 must be greater than start=3"),
    (lambda: Pin(start=3, stop=3), r"stop=3 must be greater than start=3"),
    (lambda: Pin(start=-2), r"start=-2 is not a valid step"),
    (lambda: Pin(valence=1.5), r"valence=1\.5 is out of range: allowed \[-1, 1\]"),
    (lambda: Pin(arousal=[0.5, 1.5]), r"arousal=\[0\.5, 1\.5\] is out of range: allowed \[0, 1\]"),
    (lambda: Pin(valence=[]), r"valence=\[\] is not a number or a non-empty list of numbers"),
    (lambda: Pin(valence=[[0.1, 0.2]]), r"valence=\[\[0\.1, 0\.2\]\] is not a number or a "),
    (lambda: Pin(valence="calm"), r"valence='calm' is not numeric"),
    (lambda: Pin(valence=[0.1, None]), r"valence=\[0\.1, None\] is out of range"),
    (lambda: Stimulus(stop=1), r"stop=1 must be greater than start=1"),
    (lambda: Stimulus(valence=-1.5), r"valence=-1\.5 is out of range: allowed \[-1, 1\]"),
    (lambda: Stimulus(arousal=2), r"arousal=2 is out of range: allowed \[0, 1\]"),
    (lambda: Stimulus(strength=-1), r"strength=-1 is out of range: allowed \[0, 1e\+09\]"),
    (lambda: Stimulus(strength=float("inf")), r"strength=inf is out of range"),
    (lambda: Stimulus(valence=[0.1, 0.2]), r"valence=\[0\.1, 0\.2\] is not a number"),
])
def test_malformed_event_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_parse_value_names_parameter_and_range():
    assert parse_value("mirroring", "0.25") == 0.25
    with pytest.raises(ValueError, match=r"mirroring='lots' is not a number: allowed \[0, 30\]"):
        parse_value("mirroring", "lots")
    with pytest.raises(ValueError, match=r"regulation=31(\.0)? is out of range: allowed \[0, 30\]"):
        parse_value("regulation", "31")
    with pytest.raises(ValueError, match=r"mirroring=nan is out of range"):
        parse_value("mirroring", "nan")
    with pytest.raises(ValueError, match=r"unknown parameter 'mirrorring' \(did you mean "):
        parse_value("mirrorring", "0.5")


# -- graph files -------------------------------------------------------------------

def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.mark.parametrize(("name", "text", "message"), [
    ("missing.csv", None, r"cannot be read: no such file"),
    ("graph.json", "{}", r"has an unknown suffix: allowed \.graphml, \.csv"),
    ("broken.graphml", '<graphml><graph><node id="a"/><edge source=', r"is malformed"),
    ("notxml.graphml", "source,target\n0,1\n", r"is malformed"),
    ("nohead.csv", "0,1\n1,2\n", r"needs a header with 'source' and 'target' columns"),
    ("wrongcols.csv", "from,to\n0,1\n", r"needs a header .* found \['from', 'to'\]"),
    ("badweight.csv", "source,target,weight\n0,1,1\n1,2,heavy\n",
     r"line 3: weight='heavy' is not a number"),
    ("blank.csv", "source,target\n0,\n", r"line 2: empty source or target"),
    ("empty.csv", "source,target\n", r"has no nodes"),
    ("badweight.txt", "0 1 x\n", r"line 1: weight='x' is not a number"),
    ("binary.csv", None, r"is malformed"),
])
def test_read_graph_errors_name_the_file(tmp_path, name, text, message):
    path = tmp_path / name
    if name == "binary.csv":
        path.write_bytes(b"\xff\xfe\x00\x01source")
    elif text is not None:
        path.write_text(text)
    with pytest.raises(ValueError, match=message) as info:
        read_graph(path)
    assert name in str(info.value)
    assert "\n" not in str(info.value)


def test_graph_file_with_negative_weight_is_rejected_by_the_model(tmp_path):
    graph = read_graph(_write(tmp_path, "neg.csv", "source,target,weight\n0,1,-2\n"))
    with pytest.raises(ValueError, match=r"edge \(0, 1\) has weight=-2\.0"):
        ContagionModel(graph, rng=1)


def test_read_graph_good_files(tmp_path):
    csv = read_graph(_write(tmp_path, "g.csv", "source,target,weight\n0,1,2.5\n1,2,\n"))
    assert sorted(csv.edges(data="weight")) == [(0, 1, 2.5), (1, 2, None)]
    directed = nx.DiGraph()
    directed.add_edge("a", "b", weight=0.5)
    nx.set_node_attributes(directed, {"a": "home", "b": "away"}, "group")
    nx.write_graphml(directed, tmp_path / "d.graphml")
    graph = read_graph(tmp_path / "d.graphml")
    assert graph.is_directed() and graph.edges["a", "b"]["weight"] == 0.5
    model = ContagionModel(graph, rng=1)
    assert model.group_names == ["home", "away"]
    plain = read_graph(_write(tmp_path, "g.txt", "0 1\n1 2\n# comment\n"))
    assert sorted(plain.nodes) == [0, 1, 2]


def test_no_nan_trajectory_from_extreme_but_valid_input():
    graph = nx.DiGraph()
    graph.add_nodes_from(range(4))
    graph.add_edge(0, 1, weight=1e9)
    graph.add_edge(2, 1, weight=0.0)
    graph.add_edge(3, 2, weight=1e-300)
    model = ContagionModel(graph, mirroring=1.0, expressiveness=[1e-300, 1, 1, 0],
                           negativity_gain=5, anticipation=60, expertise=1, expertise_gain=2,
                           noise=1.0, rng=1,
                           events=[Shock(1, valence=2, arousal=1, scale_by_expertise=True),
                                   Stimulus(strength=1e9, valence=-1, arousal=1)])
    frame = model.run(10)
    assert not frame.isna().any().any()
    assert np.isfinite(model.valence).all() and np.isfinite(model.arousal).all()


@pytest.mark.parametrize("weight", [1e10, 1e300])
def test_weights_beyond_the_maximum_are_rejected_not_overflowed(weight):
    graph = nx.DiGraph([(0, 1, {"weight": weight}), (2, 1, {"weight": weight})])
    with pytest.raises(ValueError, match=r"weight=.*allowed \[0, 1e\+09\]"):
        ContagionModel(graph, rng=1)
    with pytest.raises(ValueError, match=r"strength=.*out of range: allowed \[0, 1e\+09\]"):
        Stimulus(strength=weight)


def test_rng_that_is_not_a_seed_is_a_value_error():
    with pytest.raises(ValueError, match=r"rng='x' is not a seed"):
        ContagionModel(nx.path_graph(3), rng="x")


def test_subclass_with_own_step_needs_the_agents_engine():
    class Stubborn(EmotionAgent):
        def step(self):
            pass

    with pytest.raises(ValueError, match=r"agent_class=Stubborn overrides step\(\).*engine='agents'"):
        ContagionModel(nx.path_graph(3), agent_class=Stubborn, rng=1)
    ContagionModel(nx.path_graph(3), agent_class=Stubborn, engine="agents", rng=1).run(2)


def test_node_attribute_on_only_some_nodes_is_an_error():
    graph = nx.path_graph(4)
    graph.nodes[0]["mirroring"] = 0.2
    with pytest.raises(ValueError, match=r"node attribute 'mirroring' is on 1 of 4 nodes"):
        ContagionModel(graph, rng=1)
    ContagionModel(graph, mirroring=0.3, rng=1)  # an explicit value needs no attribute
