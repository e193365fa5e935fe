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

import re

NODE_W, NODE_H, GAP, PAD = 230, 100, 24, 16
MIN_COLUMNS = 3  # so the diagram of a child alone is not drawn huge, and the household's label fits
_BAND_LABEL = 22


def _truncate(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _wrap(text: str, n: int, max_lines: int = 3) -> list[str]:
    """`text` broken at spaces into lines of at most `n` characters (a word longer than `n` is cut), at most
    `max_lines` of them (a word longer than a line breaks after a hyphen), the last ending "…" when text is left over: SVG text does not wrap by itself, so a long
    line would otherwise run out of its box (practitioner review: "Named in 1 contact being handled…")."""
    lines: list[str] = []
    current = ""
    words = [part for word in text.split() for part in (_HYPHEN.split(word) if len(word) > n else [word])]
    for word in words:
        candidate = f"{current}{word}" if current.endswith("-") else f"{current} {word}".strip()
        if len(candidate) <= n:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word if len(word) <= n else _truncate(word, n)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _truncate(lines[-1] + " …", n) if len(lines[-1]) + 2 <= n else _truncate(lines[-1], n - 1) + "…"
    return lines


_HYPHEN = re.compile(r"(?<=-)")  # a long hyphenated name breaks after its hyphen
_LINE = 17  # the distance between two lines of a node's text (the template's dy)


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
    lines = [
        *_wrap(np.person.full_name, 24, 3),
        _who(np),
        *_wrap(relation, 32, 2),
        history,
        *(line for item in np.involvement for line in _wrap(item, 32, 2)),
    ]
    return {
        "x": x,
        "y": y,
        "w": NODE_W,
        "h": node_height(lines),
        "cx": x + NODE_W // 2,
        "is_child": np.is_child,
        "dashed": not established,
        "lines": lines,
    }


def node_height(lines: list) -> int:
    """The height of a node holding `lines` of text: at least NODE_H, taller when its text wraps."""
    return max(NODE_H, 20 + _LINE * (len(lines) - 1) + 16)


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

    # every box as tall as the tallest one's text (wrapped, never clipped), so the bands stay aligned
    node_h = max(_node(p, 0, 0)["h"] for p in network.people)

    def row(people, y):
        start = 2 * PAD + (inner - (len(people) * NODE_W + (len(people) - 1) * GAP)) // 2
        nodes = [_node(p, start + i * (NODE_W + GAP), y) for i, p in enumerate(people)]
        for node in nodes:
            node["h"] = node_h
        return nodes

    y = PAD
    around_label = None
    around_nodes = []
    if around:
        around_label = y + 14
        around_nodes = row(around, y + _BAND_LABEL)
        y += _BAND_LABEL + node_h + 40
    box_top = y
    child_node = row([child], box_top + _BAND_LABEL + 8)[0]
    member_nodes = row(members, child_node["y"] + node_h + 48) if members else []
    box_bottom = (member_nodes[0]["y"] if member_nodes else child_node["y"]) + node_h + PAD
    edges = []
    for node in around_nodes:
        edges.append(
            {
                "x1": child_node["cx"],
                "y1": child_node["y"],
                "x2": node["cx"],
                "y2": node["y"] + node_h,
                "dashed": node["dashed"],
            }
        )
    for node in member_nodes:
        edges.append(
            {
                "x1": child_node["cx"],
                "y1": child_node["y"] + node_h,
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
