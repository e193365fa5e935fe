"""The family network diagram's layout, for the server-rendered SVG on the family network page (issue 6).

Three bands a worker reads at a glance: at the top, the people around the child who do not live with them; below,
a box "Lives with <child>" with the child (filled blue) and, under the child, the people they live with. A line joins
the child to each person: solid for an established relationship or a recorded household, dashed for a contact's claim
not yet screened. Every node says who (name, child or adult and age), how they relate to the child, how many
chronology entries they have (and how many significant) and any open involvement the actor may see.

The diagram repeats the table beside it (the page's accessible content), so the SVG is aria-hidden and carries a
<title> and <desc> for anyone who meets it outside the page. Presentation attributes only (no inline style: CSP).
"""

from __future__ import annotations

NODE_W, NODE_H, GAP, PAD = 230, 100, 24, 16
MIN_COLUMNS = 3  # so the diagram of a child alone is not drawn huge, and the household's label fits
_BAND_LABEL = 22


def _truncate(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _who(np) -> str:
    kind = np.person.get_kind_display()
    return f"{kind}, {np.age}" if np.age is not None else kind


def _node(np, x: int, y: int) -> dict:
    if np.is_child:
        relation = "The child"
    elif np.relationships:
        relation = np.relationships[0][0]
    else:
        relation = np.basis[0] if np.basis else ""
    history = f"{np.entries} entr{'y' if np.entries == 1 else 'ies'}, {np.significant} significant"
    established = np.is_child or np.lives_with_child or any(ok for _, ok in np.relationships)
    return {
        "x": x,
        "y": y,
        "w": NODE_W,
        "h": NODE_H,
        "cx": x + NODE_W // 2,
        "is_child": np.is_child,
        "dashed": not established,
        "lines": [
            _truncate(np.person.full_name, 24),
            _who(np),
            _truncate(relation, 34),
            history,
            _truncate("; ".join(np.involvement), 34) if np.involvement else "",
        ],
    }


def network_layout(network) -> dict:
    """In: a people.network.FamilyNetwork. Out: {"width", "height", "box" (the household rectangle with its
    "label"), "nodes" (x, y, w, h, cx, is_child, dashed, lines: the text lines), "edges" (x1, y1, x2, y2, dashed),
    "around_label" (y of the top band's label, or None)}, in SVG user units."""
    child = network.people[0]
    members = [p for p in network.people[1:] if p.lives_with_child]
    around = [p for p in network.people[1:] if not p.lives_with_child]
    cols = max(len(members), len(around), MIN_COLUMNS)
    inner = cols * NODE_W + (cols - 1) * GAP
    width = inner + 4 * PAD

    def row(people, y):
        start = 2 * PAD + (inner - (len(people) * NODE_W + (len(people) - 1) * GAP)) // 2
        return [_node(p, start + i * (NODE_W + GAP), y) for i, p in enumerate(people)]

    y = PAD
    around_label = None
    around_nodes = []
    if around:
        around_label = y + 14
        around_nodes = row(around, y + _BAND_LABEL)
        y += _BAND_LABEL + NODE_H + 40
    box_top = y
    child_node = row([child], box_top + _BAND_LABEL + 8)[0]
    member_nodes = row(members, child_node["y"] + NODE_H + 48) if members else []
    box_bottom = (member_nodes[0]["y"] if member_nodes else child_node["y"]) + NODE_H + PAD
    edges = []
    for node in around_nodes:
        edges.append(
            {
                "x1": child_node["cx"],
                "y1": child_node["y"],
                "x2": node["cx"],
                "y2": node["y"] + NODE_H,
                "dashed": node["dashed"],
            }
        )
    for node in member_nodes:
        edges.append(
            {
                "x1": child_node["cx"],
                "y1": child_node["y"] + NODE_H,
                "x2": node["cx"],
                "y2": node["y"],
                "dashed": node["dashed"],
            }
        )
    return {
        "width": width,
        "height": box_bottom + PAD,
        "box": {
            "x": PAD,
            "y": box_top,
            "w": width - 2 * PAD,
            "h": box_bottom - box_top,
            "label": _truncate(f"Household: {network.child.full_name} and the people they live with", 80),
        },
        "around_label": around_label,
        "nodes": [child_node, *member_nodes, *around_nodes],
        "edges": edges,
    }
