"""Discourse network (GraphML): actors and claims as nodes, actor -> claim edges signed by stance.

Edges aggregate every gold statement in the export: `weight` is the number of statements,
`favor` / `against` / ... count each stance, `polarity` = (favor - against) / weight in [-1, 1]
and `sign` its sign (+1 agree, -1 oppose, 0 mixed or neutral). This is the usual bipartite
actor-concept network of discourse network analysis; Gephi and networkx read it. Statements
without a canonical actor (an unnamed author or implied actor) are counted in the graph
attribute `statements_without_actor`, not drawn.
"""

import networkx as nx

from .base import FileResult, RowWriter

POSITIVE, NEGATIVE = "favor", "against"


class GraphmlWriter(RowWriter):
    format = "graphml"

    def __init__(self, folder, options):
        super().__init__(folder, options)
        self.stances = list(options["stances"])
        self.edges: dict[tuple[int, int], dict[str, int]] = {}
        self.actors: dict[int, str] = {}
        self.claims: dict[int, str] = {}
        self.without_actor = 0

    def write(self, row):
        for s in row["statements"]:
            if s["actor_id"] is None:
                self.without_actor += 1
                continue
            self.actors[s["actor_id"]] = s["actor"]
            self.claims[s["claim_id"]] = s["claim"]
            counts = self.edges.setdefault((s["actor_id"], s["claim_id"]), dict.fromkeys(self.stances, 0))
            counts[s["stance"]] = counts.get(s["stance"], 0) + 1

    def graph(self) -> nx.DiGraph:
        g = nx.DiGraph(name="discourse network", statements_without_actor=self.without_actor)
        for aid in sorted(self.actors):
            g.add_node(f"actor:{aid}", label=self.actors[aid], kind="actor", registry_id=aid)
        for cid in sorted(self.claims):
            g.add_node(f"claim:{cid}", label=self.claims[cid], kind="claim", registry_id=cid)
        for aid, cid in sorted(self.edges):
            counts = self.edges[(aid, cid)]
            weight = sum(counts.values())
            polarity = (counts.get(POSITIVE, 0) - counts.get(NEGATIVE, 0)) / weight
            g.add_edge(
                f"actor:{aid}",
                f"claim:{cid}",
                weight=weight,
                polarity=round(polarity, 6),
                sign=(polarity > 0) - (polarity < 0),
                **{k: counts[k] for k in sorted(counts)},
            )
        return g

    def close(self):
        g = self.graph()
        nx.write_graphml_xml(g, self.folder / "discourse_network.graphml", encoding="utf-8", prettyprint=True)
        return [FileResult("discourse_network.graphml", g.number_of_nodes() + g.number_of_edges(), "node+edge")]
