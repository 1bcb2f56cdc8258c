"""Ruled tables from ruling lines, for readers that have the lines but no PDF page for pdfplumber:
OFD (PathObject strokes) and OCR'd pages (dark runs in the page image).

pdfplumber's lattice steps do the geometry (edges → intersections → cells → tables); this module
feeds them edges and puts the reader's text boxes into the cells.
"""
from __future__ import annotations

from .base import Box

__all__ = ["ruled_tables", "image_rulings", "erase_rulings"]

Edge = tuple[float, float, float]  # horizontal: (y, x0, x1); vertical: (x, y0, y1)
Grid = list[list[list[int]]]  # rows of cells, each the indices of the boxes inside it


def ruled_tables(h_edges: list[Edge], v_edges: list[Edge], boxes: list[Box], tol: float) -> list[tuple[Box, Grid]]:
    """Tables of ruled cells (at least 2 x 2), each with its bbox and the boxes whose centre is in each cell."""
    if len(h_edges) < 2 or len(v_edges) < 2:
        return []
    from pdfplumber import table as pt

    edges = [{"orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0,
              "object_type": "line"} for y, x0, x1 in h_edges]
    edges += [{"orientation": "v", "x0": x, "x1": x, "top": y0, "bottom": y1, "width": 0, "height": y1 - y0,
               "object_type": "line"} for x, y0, y1 in v_edges]
    edges = pt.merge_edges(edges, snap_x_tolerance=tol, snap_y_tolerance=tol, join_x_tolerance=tol, join_y_tolerance=tol)
    cells = pt.intersections_to_cells(pt.edges_to_intersections(edges, tol, tol))
    found: list[tuple[Box, Grid]] = []
    for group in pt.cells_to_tables(cells):
        row_tops = sorted({c[1] for c in group})
        col_lefts = sorted({c[0] for c in group})
        if len(row_tops) < 2 or len(col_lefts) < 2:
            continue  # a framed paragraph, not a table
        grid: Grid = [[[] for _ in col_lefts] for _ in row_tops]
        for x0, top, x1, bottom in group:
            cell = grid[row_tops.index(top)][col_lefts.index(x0)]
            for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
                if x0 <= (bx0 + bx1) / 2 <= x1 and top <= (btop + bbottom) / 2 <= bottom:
                    cell.append(i)
        bbox = (min(c[0] for c in group), min(c[1] for c in group), max(c[2] for c in group), max(c[3] for c in group))
        found.append((bbox, grid))
    return found


def _runs(mask, min_len: int) -> list[tuple[int, int, int]]:
    """(line index, start, end) of the runs of True at least min_len long in each row of a 2-D mask."""
    import numpy as np

    out = []
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    diff = np.diff(padded, axis=1)
    for r in np.nonzero((diff != 0).any(axis=1))[0]:
        starts = np.nonzero(diff[r] == 1)[0]
        ends = np.nonzero(diff[r] == -1)[0]
        for s, e in zip(starts, ends):
            if e - s >= min_len:
                out.append((int(r), int(s), int(e)))
    return out


def image_rulings(image, dpi: float) -> tuple[list[Edge], list[Edge]]:
    """Horizontal and vertical ruling lines of a page image (pixels): runs of dark pixels longer than
    a stroke of body text (a horizontal line at least ~0.6 inch, a vertical one ~0.2 inch) that meet
    at least two lines of the other direction: a grid. (A bracket or a stroke of a large title
    character is as long as a short vertical rule, but it stands alone.)"""
    import numpy as np

    dark = np.asarray(image.convert("L")) < 150
    h = [(float(r), float(s), float(e)) for r, s, e in _runs(dark, int(0.6 * dpi))]
    v = [(float(c), float(s), float(e)) for c, s, e in _runs(dark.T, int(0.2 * dpi))]
    tol = 3.0

    def meets(a: Edge, b: Edge) -> bool:  # a horizontal, b vertical
        return a[1] - tol <= b[0] <= a[2] + tol and b[1] - tol <= a[0] <= b[2] + tol

    v = [b for b in v if sum(1 for a in h if meets(a, b)) >= 2]
    h = [a for a in h if sum(1 for b in v if meets(a, b)) >= 2]
    return h, v


def erase_rulings(image, h_edges: list[Edge], v_edges: list[Edge]):
    """A copy of the image with the ruling lines painted white (2 px either side of each run)."""
    if not h_edges and not v_edges:
        return image
    import numpy as np
    from PIL import Image

    a = np.array(image.convert("L"))
    for y, x0, x1 in h_edges:
        a[max(0, int(y) - 2): int(y) + 3, int(x0): int(x1)] = 255
    for x, y0, y1 in v_edges:
        a[int(y0): int(y1), max(0, int(x) - 2): int(x) + 3] = 255
    return Image.fromarray(a)
