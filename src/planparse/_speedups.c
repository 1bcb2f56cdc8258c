/* Compiled twins of planparse's hottest loops: the PDF reader's per-character work (ingest/pdf.py,
 * ingest/pdf_layout.py, ingest/pdf_tables.py), the word-frequency look-up and jieba's best route over
 * the frequencies (words.py).
 *
 * A real page has thousands of characters; in Python each costs two ctypes calls into pdfium and a
 * dozen bytecode steps when lines are built from them: about a third of the whole pipeline's time
 * after pdfium's own parsing. These functions do the same steps in C and give the same results, value
 * for value (the tests compare them with the Python code on real pages and on generated glyphs).
 * They are optional: the package builds and runs without them (each caller keeps its Python code,
 * used when this module is absent or PLANPARSE_PURE_PYTHON is set; compiled.py loads it).
 *
 * pdfium is not linked: bind() receives the addresses of its functions from pypdfium2's ctypes
 * binding, so this module calls the very library pypdfium2 loaded.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct { float left, top, right, bottom; } rectf; /* FS_RECTF */

static int (*count_chars)(void *);
static int (*get_text)(void *, int, int, unsigned short *);
static unsigned int (*get_unicode)(void *, int);
static int (*is_generated)(void *, int);
static int (*loose_char_box)(void *, int, rectf *);
static float (*char_angle)(void *, int);
static int bound = 0; /* bind() has given every function's address */

#define QUARTER (M_PI / 2)
#define UPRIGHT (M_PI / 4)
#define SAME_LINE 0.5
#define SPACE_GAP 0.12
#define DIGIT_GAP 0.6
#define WRITTEN_SPACE 0x20

/* what pdf.py's _NOT_GLYPHS holds: control characters, spaces, BOMs, zero-width space */
static int
not_glyph(unsigned long c)
{
    switch (c) {
    case 0: case 0x02: case 0x09: case 0x0A: case 0x0D: case 0x20: case 0xA0: case 0x3000:
    case 0xFFFE: case 0xFEFF: case 0x200B:
        return 1;
    }
    return 0;
}

/* pdf_layout.quadrant: Python's round() is round-half-even, as nearbyint in the default mode */
static int
quadrant_of(double angle)
{
    if (angle < 0)
        return 0;
    long n = (long)nearbyint(angle / QUARTER);
    return (int)(((-n) % 4 + 4) % 4);
}

static PyObject *
glyph_tuple(double x0, double x1, double y0, double y1, unsigned long code)
{
    PyObject *t = PyTuple_New(5);
    if (!t)
        return NULL;
    PyObject *v[5] = {PyFloat_FromDouble(x0), PyFloat_FromDouble(x1), PyFloat_FromDouble(y0),
                      PyFloat_FromDouble(y1), PyUnicode_FromOrdinal((int)code)};
    for (int k = 0; k < 5; k++) {
        if (!v[k]) {
            for (int j = 0; j < 5; j++)
                Py_XDECREF(v[j]);
            Py_DECREF(t);
            return NULL;
        }
    }
    for (int k = 0; k < 5; k++)
        PyTuple_SET_ITEM(t, k, v[k]);
    return t;
}

/* ---------------------------------------------------------------------- lines from glyphs */

typedef struct {
    double x0, x1, y0, y1;
    Py_UCS4 ch;
    Py_ssize_t index; /* position in the input: ties keep their order, as Python's stable sort */
    PyObject *glyph;
} glyph;

/* Read a list of glyphs (5-tuples of floats and a one-character str). 0 when one is not of that
 * form: the caller answers None and the Python code takes the list (same results, any input). */
static int
read_glyphs(PyObject *list, glyph **out, Py_ssize_t *n)
{
    if (!PyList_CheckExact(list))
        return 0;
    Py_ssize_t len = PyList_GET_SIZE(list);
    glyph *gs = PyMem_Malloc(sizeof(glyph) * (len ? len : 1));
    if (!gs) {
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        PyObject *t = PyList_GET_ITEM(list, i);
        if (!PyTuple_CheckExact(t) || PyTuple_GET_SIZE(t) != 5)
            goto other;
        for (int k = 0; k < 4; k++)
            if (!PyFloat_CheckExact(PyTuple_GET_ITEM(t, k)))
                goto other;
        PyObject *ch = PyTuple_GET_ITEM(t, 4);
        if (!PyUnicode_CheckExact(ch) || PyUnicode_GET_LENGTH(ch) != 1)
            goto other;
        gs[i].x0 = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(t, 0));
        gs[i].x1 = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(t, 1));
        gs[i].y0 = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(t, 2));
        gs[i].y1 = PyFloat_AS_DOUBLE(PyTuple_GET_ITEM(t, 3));
        gs[i].ch = PyUnicode_READ_CHAR(ch, 0);
        gs[i].index = i;
        gs[i].glyph = t;
        if (isnan(gs[i].x0) || isnan(gs[i].x1) || isnan(gs[i].y0) || isnan(gs[i].y1))
            goto other; /* Python's sort of NaNs is its own: leave them to it */
    }
    *out = gs;
    *n = len;
    return 1;
other:
    PyMem_Free(gs);
    return 0;
}

/* tuple order (x0, x1, y0, y1, character), then input order: Python's sort of glyph tuples */
static int
by_position(const void *pa, const void *pb)
{
    const glyph *a = pa, *b = pb;
    if (a->x0 != b->x0)
        return a->x0 < b->x0 ? -1 : 1;
    if (a->x1 != b->x1)
        return a->x1 < b->x1 ? -1 : 1;
    if (a->y0 != b->y0)
        return a->y0 < b->y0 ? -1 : 1;
    if (a->y1 != b->y1)
        return a->y1 < b->y1 ? -1 : 1;
    if (a->ch != b->ch)
        return a->ch < b->ch ? -1 : 1;
    return a->index < b->index ? -1 : (a->index > b->index);
}

/* down the page: the vertical centre from the top (key -(y0 + y1)), then input order */
static int
by_height(const void *pa, const void *pb)
{
    const glyph *a = pa, *b = pb;
    double ka = -(a->y0 + a->y1), kb = -(b->y0 + b->y1);
    if (ka != kb)
        return ka < kb ? -1 : 1;
    return a->index < b->index ? -1 : (a->index > b->index);
}

/* groups.append(sorted(gs[start:end])); -1 on error */
static int
append_group(PyObject *groups, glyph *gs, Py_ssize_t start, Py_ssize_t end)
{
    qsort(gs + start, end - start, sizeof(glyph), by_position);
    PyObject *group = PyList_New(end - start);
    if (!group)
        return -1;
    for (Py_ssize_t k = start; k < end; k++) {
        Py_INCREF(gs[k].glyph);
        PyList_SET_ITEM(group, k - start, gs[k].glyph);
    }
    int failed = PyList_Append(groups, group);
    Py_DECREF(group);
    return failed;
}

/* The end of the visual line that starts at gs[start] (gs sorted by_height): the glyphs after it whose
 * vertical centre is within half the line's height (the tallest glyph so far) of its first one's. */
static Py_ssize_t
line_end(const glyph *gs, Py_ssize_t n, Py_ssize_t start)
{
    double centre = (gs[start].y0 + gs[start].y1) / 2, height = gs[start].y1 - gs[start].y0;
    if (height < 1e-3)
        height = 1e-3;
    Py_ssize_t i = start + 1;
    for (; i < n; i++) {
        double cy = (gs[i].y0 + gs[i].y1) / 2, h = gs[i].y1 - gs[i].y0;
        if (h < 1e-3)
            h = 1e-3;
        double reach = SAME_LINE * (height > h ? height : h);
        if (!(-reach < centre - cy && centre - cy < reach))
            break;
        if (h > height)
            height = h;
    }
    return i;
}

/* fn(gs, n) of a list of glyphs read into C (read_glyphs), then freed: None when the list is not
 * plain glyphs (the Python code takes it, with the same results) or is empty and `empty_ok` is 0 */
static PyObject *
with_glyphs(PyObject *list, PyObject *(*fn)(glyph *, Py_ssize_t), int empty_ok)
{
    glyph *gs;
    Py_ssize_t n;
    int ok = read_glyphs(list, &gs, &n);
    if (ok < 0)
        return NULL;
    if (!ok)
        Py_RETURN_NONE;
    PyObject *result;
    if (n == 0 && !empty_ok) {
        result = Py_None;
        Py_INCREF(result);
    } else {
        result = fn(gs, n);
    }
    PyMem_Free(gs);
    return result;
}

/* the glyphs grouped into visual lines, each group sorted by position */
static PyObject *
groups_of(glyph *gs, Py_ssize_t n)
{
    qsort(gs, n, sizeof(glyph), by_height);
    PyObject *groups = PyList_New(0);
    for (Py_ssize_t start = 0, end; groups && start < n; start = end) {
        end = line_end(gs, n, start);
        if (append_group(groups, gs, start, end) < 0)
            Py_CLEAR(groups);
    }
    return groups;
}

/* visual_lines(glyphs) -> [[glyph, ...], ...] or None: pdf_layout._visual_lines */
static PyObject *
visual_lines(PyObject *self, PyObject *list)
{
    return with_glyphs(list, groups_of, 1);
}

/* The first of the widest gaps between neighbours of gs in their order: pdf_layout._widest_gap_python
 * ((0.0, 0.0, 0) when none is wider than nothing) */
static void
widest_of(const glyph *gs, Py_ssize_t n, double *left, double *right, Py_ssize_t *index)
{
    Py_ssize_t widest = -1;
    double most = 0.0;
    for (Py_ssize_t k = 0; k + 1 < n; k++) {
        double gap = gs[k + 1].x0 - gs[k].x1;
        if (widest < 0 || gap > most) {
            widest = k;
            most = gap;
        }
    }
    if (widest < 0 || !(most > 0.0)) {
        *left = *right = 0.0;
        *index = 0;
    } else {
        *left = gs[widest].x1;
        *right = gs[widest + 1].x0;
        *index = widest + 1;
    }
}

/* the widest gap as a tuple (left, right, index) */
static PyObject *
gap_of(glyph *gs, Py_ssize_t n)
{
    double left, right;
    Py_ssize_t index;
    widest_of(gs, n, &left, &right, &index);
    return Py_BuildValue("(ddn)", left, right, index);
}

/* widest_gap(group) -> (left, right, index) or None: pdf_layout._widest_gap */
static PyObject *
widest_gap(PyObject *self, PyObject *list)
{
    return with_glyphs(list, gap_of, 1);
}

/* sorted(values)[k] without sorting them all (Hoare's selection; the values hold no NaN); scratch: n
 * doubles to work in. Equal values are the same double but for 0.0 and -0.0: which of those Python's
 * stable sort puts at k follows their order in `values`, so a zero is looked up there. */
static double
sorted_kth(const double *values, double *scratch, Py_ssize_t n, Py_ssize_t k)
{
    memcpy(scratch, values, sizeof(double) * n);
    Py_ssize_t lo = 0, hi = n - 1;
    double *v = scratch;
    while (lo < hi) {
        double pivot = v[lo + (hi - lo) / 2];
        Py_ssize_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
                i++;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            break;
    }
    double found = v[k];
    if (found != 0.0)
        return found;
    Py_ssize_t below = 0;
    for (Py_ssize_t j = 0; j < n; j++)
        below += values[j] < 0.0;
    for (Py_ssize_t j = 0, zeros = 0; j < n; j++)
        if (values[j] == 0.0 && zeros++ == k - below)
            return values[j];
    return found;
}

/* The line of a group of glyphs sorted by position (pdf_layout._line_python): a new reference to
 * (text, x0, x1, top, bottom, size), NULL on error. */
static PyObject *
line_of(glyph *gs, Py_ssize_t n)
{
    Py_ssize_t first = 0, last = n - 1;
    /* a written space at either end of a line takes no room in it (unless the line is all spaces) */
    if (gs[first].ch == WRITTEN_SPACE || gs[last].ch == WRITTEN_SPACE) {
        int any_other = 0;
        for (Py_ssize_t k = 0; k < n && !any_other; k++)
            any_other = gs[k].ch != WRITTEN_SPACE;
        if (any_other) {
            while (gs[first].ch == WRITTEN_SPACE)
                first++;
            while (gs[last].ch == WRITTEN_SPACE)
                last--;
        }
    }
    Py_ssize_t m = last - first + 1;
    double *heights = PyMem_Malloc(sizeof(double) * 2 * m);
    Py_UCS4 *text = PyMem_Malloc(sizeof(Py_UCS4) * 2 * m);
    if (!heights || !text) {
        PyMem_Free(heights);
        PyMem_Free(text);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t k = 0; k < m; k++)
        heights[k] = gs[first + k].y1 - gs[first + k].y0;
    double size = sorted_kth(heights, heights + m, m, m / 2);
    double min_gap = SPACE_GAP * size, digit_gap = DIGIT_GAP * size;
    double least_gap = min_gap < digit_gap ? min_gap : digit_gap;
    Py_ssize_t length = 0;
    int spaced = 1, have_prev = 0;
    double prev_x1 = 0.0;
    Py_UCS4 prev_ch = 0;
    int prev_is_char = 0; /* Python's prev_ch starts as "", which is no digit */
    double top = 0, bottom = 0, right = 0;
    for (Py_ssize_t k = first; k <= last; k++) {
        glyph *g = gs + k;
        if (k == first || g->y1 > top)
            top = g->y1;
        if (k == first || g->y0 < bottom)
            bottom = g->y0;
        if (k == first || g->x1 > right)
            right = g->x1;
        if (g->ch == WRITTEN_SPACE) {
            if (!spaced) {
                text[length++] = ' ';
                spaced = 1;
            }
            prev_x1 = g->x1;
            prev_ch = g->ch;
            prev_is_char = have_prev = 1;
            continue;
        }
        if (have_prev && !spaced && g->x0 - prev_x1 >= least_gap) {
            int in_number = prev_is_char && Py_UNICODE_ISDIGIT(prev_ch)
                            && (Py_UNICODE_ISDIGIT(g->ch) || g->ch == '.' || g->ch == '%');
            if (g->x0 - prev_x1 >= (in_number ? digit_gap : min_gap))
                text[length++] = ' ';
        }
        text[length++] = g->ch;
        spaced = 0;
        prev_x1 = g->x1;
        prev_ch = g->ch;
        prev_is_char = have_prev = 1;
    }
    PyObject *str = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, text, length);
    PyObject *result = str ? Py_BuildValue("(Nddddd)", str, gs[first].x0, right, -top, -bottom, size) : NULL;
    PyMem_Free(heights);
    PyMem_Free(text);
    return result;
}

/* the line of glyphs in any order */
static PyObject *
sorted_line_of(glyph *gs, Py_ssize_t n)
{
    qsort(gs, n, sizeof(glyph), by_position);
    return line_of(gs, n);
}

/* line_parts(group) -> (text, x0, x1, top, bottom, size) or None: pdf_layout._line_python's line */
static PyObject *
line_parts(PyObject *self, PyObject *list)
{
    return with_glyphs(list, sorted_line_of, 0);
}

/* ------------------------------------------------------------------- a page's characters */

typedef struct {
    glyph *gs;
    Py_ssize_t n, cap;
} glyph_run;

/* Room for item n of an array of PyMem memory (`size` bytes an item): *cap doubled, from `first`, when
 * the array is full; 0, or -1 with MemoryError set (the array then as it was) */
static int
make_room(void **items, Py_ssize_t n, Py_ssize_t *cap, size_t size, Py_ssize_t first)
{
    if (n < *cap)
        return 0;
    Py_ssize_t room = *cap ? 2 * *cap : first;
    void *grown = PyMem_Realloc(*items, size * (size_t)room);
    if (!grown) {
        PyErr_NoMemory();
        return -1;
    }
    *items = grown;
    *cap = room;
    return 0;
}

/* a page's glyphs by quadrant: 0 first, then each other quadrant in the order it first appears */
typedef struct {
    glyph_run runs[4];
    int order[4], n_order;
    int has_nan;
} page_chars;

static void
free_page_chars(page_chars *pc)
{
    for (int k = 0; k < 4; k++)
        PyMem_Free(pc->runs[k].gs);
}

static int
push_glyph(page_chars *pc, int q, double x0, double x1, double y0, double y1, unsigned long code)
{
    glyph_run *run = &pc->runs[q];
    void *gs = run->gs;
    if (make_room(&gs, run->n, &run->cap, sizeof(glyph), 256) < 0)
        return -1;
    run->gs = gs;
    if (q && !run->n) {
        int seen = 0;
        for (int k = 0; k < pc->n_order; k++)
            seen |= pc->order[k] == q;
        if (!seen)
            pc->order[pc->n_order++] = q;
    }
    glyph *g = run->gs + run->n;
    g->x0 = x0;
    g->x1 = x1;
    g->y0 = y0;
    g->y1 = y1;
    g->ch = (Py_UCS4)code;
    g->index = run->n++;
    g->glyph = NULL;
    pc->has_nan |= isnan(x0) || isnan(x1) || isnan(y0) || isnan(y1);
    return 0;
}

/* The table boxes asked to leave out: (left, bottom, right, top) each, already widened. */
static int
read_boxes(PyObject *boxes_arg, double **out, Py_ssize_t *n_out)
{
    PyObject *seq = PySequence_Fast(boxes_arg, "boxes must be a sequence");
    if (!seq)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    double *boxes = PyMem_Malloc(sizeof(double) * 4 * (n ? n : 1));
    if (!boxes) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t b = 0; b < n; b++) {
        PyObject *box = PySequence_Fast(PySequence_Fast_GET_ITEM(seq, b), "a box must be a sequence");
        if (!box)
            goto fail;
        if (PySequence_Fast_GET_SIZE(box) != 4) {
            Py_DECREF(box);
            PyErr_SetString(PyExc_ValueError, "a box has four sides");
            goto fail;
        }
        for (int k = 0; k < 4; k++)
            boxes[4 * b + k] = PyFloat_AsDouble(PySequence_Fast_GET_ITEM(box, k));
        Py_DECREF(box);
        if (PyErr_Occurred())
            goto fail;
    }
    Py_DECREF(seq);
    *out = boxes;
    *n_out = n;
    return 0;
fail:
    Py_DECREF(seq);
    PyMem_Free(boxes);
    return -1;
}

/* pdf.py's _page_glyphs character loop: every character of the page that is a glyph, in the reading
 * coordinates of its text's quadrant; characters whose centre is in one of the boxes go to the table. */
static int
read_page_chars(void *tp, const double *boxes, Py_ssize_t n_boxes, page_chars *pc)
{
    memset(pc, 0, sizeof *pc);
    pc->order[pc->n_order++] = 0;
    int count = count_chars(tp);
    if (count <= 0)
        return 0;
    unsigned int *codes = PyMem_Malloc(sizeof(unsigned int) * count);
    unsigned short *buf = PyMem_Calloc(2 * (size_t)count + 1, sizeof(unsigned short));
    int result = -1;
    if (!codes || !buf) {
        PyErr_NoMemory();
        goto done;
    }
    /* one UTF-16 unit per character index, as FPDFText_GetUnicode gives them; else one by one */
    if (get_text(tp, 0, count, buf) == count + 1) {
        for (int i = 0; i < count; i++)
            codes[i] = buf[i];
    } else {
        for (int i = 0; i < count; i++)
            codes[i] = get_unicode(tp, i);
    }
    int prev_digit = 0, low_half = -1;
    for (int i = 0; i < count; i++) {
        if (i == low_half)
            continue;
        unsigned long code = codes[i], low;
        if (code >= 0xD800 && code < 0xDC00 && i + 1 < count && (low = codes[i + 1]) >= 0xDC00 && low < 0xE000) {
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            low_half = i + 1;
        }
        rectf r;
        if (code == 0x20 && prev_digit && !is_generated(tp, i) && loose_char_box(tp, i, &r)) {
            code = WRITTEN_SPACE;
        } else if (not_glyph(code) || code >= 0x110000 || !loose_char_box(tp, i, &r)) {
            continue;
        }
        prev_digit = code >= 0x30 && code <= 0x39;
        double left = r.left, right = r.right, bottom = r.bottom, top = r.top;
        if (n_boxes) {
            double cx = (left + right) / 2, cy = (bottom + top) / 2;
            int inside = 0;
            for (Py_ssize_t b = 0; b < n_boxes && !inside; b++) {
                const double *bx = boxes + 4 * b;
                inside = bx[0] <= cx && cx <= bx[2] && bx[1] <= cy && cy <= bx[3];
            }
            if (inside)
                continue;
        }
        double angle = char_angle(tp, i);
        int q = angle < UPRIGHT || angle > 2 * M_PI - UPRIGHT ? 0 : quadrant_of(angle), failed;
        if (q == 0)
            failed = push_glyph(pc, 0, left, right, bottom, top, code);
        else if (q == 1)
            failed = push_glyph(pc, 1, bottom, top, -right, -left, code);
        else if (q == 2)
            failed = push_glyph(pc, 2, -right, -left, -top, -bottom, code);
        else
            failed = push_glyph(pc, 3, -top, -bottom, left, right, code);
        if (failed < 0)
            goto done;
    }
    result = 0;
done:
    PyMem_Free(codes);
    PyMem_Free(buf);
    return result;
}

/* read_page_chars of the textpage at `address`, for page_glyphs and page_lines: -1 on error */
static int
read_page_arg(unsigned long long address, PyObject *boxes_arg, page_chars *pc)
{
    double *boxes = NULL;
    Py_ssize_t n_boxes = 0;
    if (!bound) {
        PyErr_SetString(PyExc_RuntimeError, "bind() was not called");
        return -1;
    }
    if (read_boxes(boxes_arg, &boxes, &n_boxes) < 0)
        return -1;
    int failed = read_page_chars((void *)(uintptr_t)address, boxes, n_boxes, pc);
    PyMem_Free(boxes);
    if (failed < 0)
        free_page_chars(pc);
    return failed;
}

/* {quadrant: value_of(run, arg)} for each quadrant of the page in its order (0 first, then as first met);
 * frees the page's glyphs; NULL on error */
static PyObject *
by_quadrant(page_chars *pc, PyObject *(*value_of)(glyph_run *, Py_ssize_t), Py_ssize_t arg)
{
    PyObject *dict = PyDict_New();
    for (int k = 0; dict && k < pc->n_order; k++) {
        PyObject *value = value_of(&pc->runs[pc->order[k]], arg), *key = value ? PyLong_FromLong(pc->order[k]) : NULL;
        if (!key || PyDict_SetItem(dict, key, value) < 0)
            Py_CLEAR(dict);
        Py_XDECREF(value);
        Py_XDECREF(key);
    }
    free_page_chars(pc);
    return dict;
}

/* a run's glyphs as tuples (x0, x1, y0, y1, character) */
static PyObject *
glyph_list(glyph_run *run, Py_ssize_t unused)
{
    PyObject *list = PyList_New(run->n);
    for (Py_ssize_t i = 0; list && i < run->n; i++) {
        glyph *g = run->gs + i;
        PyObject *t = glyph_tuple(g->x0, g->x1, g->y0, g->y1, g->ch);
        if (!t)
            Py_CLEAR(list);
        else
            PyList_SET_ITEM(list, i, t);
    }
    return list;
}

/* page_glyphs(textpage, boxes) -> {quadrant: [glyph, ...]}: pdf.py's _page_glyphs, each glyph a tuple
 * (x0, x1, y0, y1, character). */
static PyObject *
page_glyphs(PyObject *self, PyObject *args)
{
    page_chars pc;
    unsigned long long address;
    PyObject *boxes;
    if (!PyArg_ParseTuple(args, "KO", &address, &boxes) || read_page_arg(address, boxes, &pc) < 0)
        return NULL;
    return by_quadrant(&pc, glyph_list, 0);
}

/* one visual line's record: its line (line_of), its glyph count, the widest gap between its glyphs
 * (widest_of), the median height of all its glyphs (0.0 on a line too short to hold two columns: not
 * asked), its first glyph's x0 and its last one's x1: what pdf_layout._column_split asks of a line */
static PyObject *
line_record(glyph *gs, Py_ssize_t n, Py_ssize_t split_min)
{
    qsort(gs, n, sizeof(glyph), by_position);
    PyObject *line = line_of(gs, n);
    if (!line)
        return NULL;
    double left, right, size = 0.0;
    Py_ssize_t index;
    widest_of(gs, n, &left, &right, &index);
    if (n >= split_min) { /* asked of a line long enough to hold two columns only */
        double *heights = PyMem_Malloc(sizeof(double) * 2 * n);
        if (!heights) {
            Py_DECREF(line);
            return PyErr_NoMemory();
        }
        for (Py_ssize_t k = 0; k < n; k++)
            heights[k] = gs[k].y1 - gs[k].y0;
        size = sorted_kth(heights, heights + n, n, n / 2);
        PyMem_Free(heights);
    }
    PyObject *record = Py_BuildValue("(OOOOOOnddnddd)", PyTuple_GET_ITEM(line, 0), PyTuple_GET_ITEM(line, 1),
                                     PyTuple_GET_ITEM(line, 2), PyTuple_GET_ITEM(line, 3), PyTuple_GET_ITEM(line, 4),
                                     PyTuple_GET_ITEM(line, 5), n, left, right, index, size, gs[0].x0, gs[n - 1].x1);
    Py_DECREF(line);
    return record;
}

/* a run's visual lines: (its glyph count, [line record, ...]) */
static PyObject *
run_lines(glyph_run *run, Py_ssize_t split_min)
{
    glyph *gs = run->gs;
    Py_ssize_t n = run->n;
    PyObject *lines = PyList_New(0);
    if (!lines)
        return NULL;
    if (n)
        qsort(gs, n, sizeof(glyph), by_height);
    for (Py_ssize_t start = 0, end; start < n; start = end) {
        end = line_end(gs, n, start);
        PyObject *record = line_record(gs + start, end - start, split_min);
        if (!record || PyList_Append(lines, record) < 0) {
            Py_XDECREF(record);
            Py_DECREF(lines);
            return NULL;
        }
        Py_DECREF(record);
    }
    return Py_BuildValue("(nN)", n, lines);
}

/* page_lines(textpage, boxes, split_min) -> {quadrant: (glyph count, [line record, ...])} or None:
 * page_glyphs' glyphs grouped into visual lines (visual_lines) and each line built (line_parts) without
 * a Python object per glyph; None when a glyph has a NaN coordinate (Python's sort of NaNs is its own).
 * split_min: the fewest glyphs of a line that may hold two columns (the median height is asked of those). */
static PyObject *
page_lines(PyObject *self, PyObject *args)
{
    page_chars pc;
    unsigned long long address;
    PyObject *boxes;
    Py_ssize_t split_min;
    if (!PyArg_ParseTuple(args, "KOn", &address, &boxes, &split_min) || read_page_arg(address, boxes, &pc) < 0)
        return NULL;
    if (pc.has_nan) {
        free_page_chars(&pc);
        Py_RETURN_NONE;
    }
    return by_quadrant(&pc, run_lines, split_min);
}

/* ------------------------------------------------------------------------------ page scan */

static int (*page_count_objects)(void *);
static void *(*page_get_object)(void *, int);
static int (*form_count_objects)(void *);
static void *(*form_get_object)(void *, unsigned long);
static int (*object_type)(void *);
static int (*object_bounds)(void *, float *, float *, float *, float *);
static int (*path_segments)(void *);
static void *(*text_font)(void *);
static int type_text, type_path, type_form;

#define GRID_SEGMENTS 12
#define MAX_FORM_DEPTH 8

typedef struct {
    long *vertical_x; /* distinct x of vertical rules and box sides, in 2-pt bins */
    Py_ssize_t n_vertical, room_vertical;
    long horizontal;
    int grid_path, lossy_text;
    void **fonts; /* fonts met on the page, and whether each could lose text */
    int *risks;
    Py_ssize_t n_fonts, room_fonts;
    PyObject *font_risk; /* Python callable: font address -> bool */
    double zero_width; /* narrower than this, pdfium's text page skips a text object */
} scan_state;

static int
add_vertical(scan_state *st, long x)
{
    for (Py_ssize_t k = 0; k < st->n_vertical; k++)
        if (st->vertical_x[k] == x)
            return 0;
    void *xs = st->vertical_x;
    if (make_room(&xs, st->n_vertical, &st->room_vertical, sizeof(long), 16) < 0)
        return -1;
    st->vertical_x = xs;
    st->vertical_x[st->n_vertical++] = x;
    return 0;
}

static int
may_have_table(scan_state *st)
{
    return st->horizontal >= 2 && (st->grid_path || st->n_vertical >= 3);
}

/* 1 or 0: whether text in this font can be lost (asked of Python once a page per font); -1: error */
static int
font_risk(scan_state *st, void *font)
{
    for (Py_ssize_t k = 0; k < st->n_fonts; k++)
        if (st->fonts[k] == font)
            return st->risks[k];
    PyObject *address = PyLong_FromVoidPtr(font);
    if (!address)
        return -1;
    PyObject *answer = PyObject_CallOneArg(st->font_risk, address);
    Py_DECREF(address);
    if (!answer)
        return -1;
    int risk = PyObject_IsTrue(answer);
    Py_DECREF(answer);
    if (risk < 0)
        return -1;
    /* two arrays of one length: each grown from the same room, which is kept once both are */
    Py_ssize_t fonts_room = st->room_fonts, risks_room = st->room_fonts;
    void *fonts = st->fonts, *risks = st->risks;
    int failed = make_room(&fonts, st->n_fonts, &fonts_room, sizeof(void *), 8) < 0;
    st->fonts = fonts;
    if (failed || make_room(&risks, st->n_fonts, &risks_room, sizeof(int), 8) < 0)
        return -1;
    st->risks = risks;
    st->room_fonts = fonts_room;
    st->fonts[st->n_fonts] = font;
    st->risks[st->n_fonts++] = risk;
    return risk;
}

/* pdf.py's _scan_objects, step for step; 0, or -1 with a Python error set */
static int
scan_container(scan_state *st, void *container, int form, int depth)
{
    int count = form ? form_count_objects(container) : page_count_objects(container);
    float left, bottom, right, top;
    for (int i = 0; i < count; i++) {
        void *obj = form ? form_get_object(container, (unsigned long)i) : page_get_object(container, i);
        if (!obj)
            continue;
        void *font = text_font(obj);
        if (font) {
            if (!st->lossy_text) {
                int risk = font_risk(st, font);
                if (risk < 0)
                    return -1;
                if (risk && object_bounds(obj, &left, &bottom, &right, &top)
                    && (double)right - (double)left < st->zero_width)
                    st->lossy_text = 1;
            }
            continue;
        }
        int kind = object_type(obj);
        if (kind == type_text) {
            if (!st->lossy_text && object_bounds(obj, &left, &bottom, &right, &top)
                && (double)right - (double)left < st->zero_width)
                st->lossy_text = 1;
        } else if (kind == type_path) {
            if (may_have_table(st) || !object_bounds(obj, &left, &bottom, &right, &top))
                continue;
            double w = (double)right - (double)left, h = (double)top - (double)bottom;
            if (w <= 3 && h >= 8) {
                if (add_vertical(st, (long)nearbyint(((double)left + (double)right) / 4)) < 0)
                    return -1;
            } else if (h <= 3 && w >= 8) {
                st->horizontal += 1;
            } else if (w >= 8 && h >= 8) {
                if (add_vertical(st, (long)nearbyint((double)left / 2)) < 0
                    || add_vertical(st, (long)nearbyint((double)right / 2)) < 0)
                    return -1;
                st->horizontal += 2;
                if (path_segments(obj) >= GRID_SEGMENTS)
                    st->grid_path = 1;
            }
        } else if (kind == type_form && depth < MAX_FORM_DEPTH) {
            if (scan_container(st, obj, 1, depth + 1) < 0)
                return -1;
        }
    }
    return 0;
}

/* scan_page(page, font_risk, zero_width) -> (vertical_x, horizontal, grid_path, lossy_text) */
static PyObject *
scan_page(PyObject *self, PyObject *args)
{
    unsigned long long address;
    scan_state st;
    memset(&st, 0, sizeof st);
    if (!PyArg_ParseTuple(args, "KOd", &address, &st.font_risk, &st.zero_width))
        return NULL;
    if (!bound) {
        PyErr_SetString(PyExc_RuntimeError, "bind() was not called");
        return NULL;
    }
    PyObject *result = NULL, *vertical = NULL;
    if (scan_container(&st, (void *)(uintptr_t)address, 0, 0) < 0)
        goto done;
    vertical = PySet_New(NULL);
    if (!vertical)
        goto done;
    for (Py_ssize_t k = 0; k < st.n_vertical; k++) {
        PyObject *x = PyLong_FromLong(st.vertical_x[k]);
        if (!x || PySet_Add(vertical, x) < 0) {
            Py_XDECREF(x);
            goto done;
        }
        Py_DECREF(x);
    }
    result = Py_BuildValue("(OlOO)", vertical, st.horizontal, st.grid_path ? Py_True : Py_False,
                           st.lossy_text ? Py_True : Py_False);
done:
    Py_XDECREF(vertical);
    PyMem_Free(st.vertical_x);
    PyMem_Free(st.fonts);
    PyMem_Free(st.risks);
    return result;
}

/* ------------------------------------------------------------------- characters of a table page */

typedef struct { float a, b, c, d, e, f; } matrixf; /* FS_MATRIX */

static void *(*text_object)(void *, int);
static int (*object_font_size)(void *, float *);
static int (*char_origin)(void *, int, double *, double *);
static int (*char_matrix)(void *, int, matrixf *);
static int (*font_descent)(void *, float, float *);
static int (*glyph_width)(void *, unsigned int, float, float *);

/* what pdf_tables.py's _NOT_CHARS holds */
static int
not_char(unsigned long c)
{
    return c == 0 || c == 0x02 || c == 0x0A || c == 0x0D || c == 0xFFFE || c == 0xFEFF;
}

/* Python's min and max of four: the first extreme value wins a tie (0.0 against -0.0) */
static double
least(const double *v)
{
    double m = v[0];
    for (int k = 1; k < 4; k++)
        if (v[k] < m)
            m = v[k];
    return m;
}

static double
most(const double *v)
{
    double m = v[0];
    for (int k = 1; k < 4; k++)
        if (v[k] > m)
            m = v[k];
    return m;
}

static int
set_float(PyObject *dict, PyObject *key, double value)
{
    PyObject *v = PyFloat_FromDouble(value);
    if (!v)
        return -1;
    int failed = PyDict_SetItem(dict, key, v);
    Py_DECREF(v);
    return failed;
}

/* 1 when bind() was called and `keys` holds seven key strings (a pdfplumber char's: "text", "x0", "x1",
 * "top", "bottom", "doctop", "upright"), else 0 with an exception set */
static int
bound_with_keys(PyObject *keys)
{
    if (!bound) {
        PyErr_SetString(PyExc_RuntimeError, "bind() was not called");
        return 0;
    }
    if (PyTuple_GET_SIZE(keys) != 7) {
        PyErr_SetString(PyExc_ValueError, "seven keys");
        return 0;
    }
    return 1;
}

/* table_chars(textpage, keys) -> [dict]: pdf_tables.py's _chars; keys: the seven key strings
 * ("text", "x0", "x1", "top", "bottom", "doctop", "upright"), so each dict shares them */
static PyObject *
table_chars(PyObject *self, PyObject *args)
{
    unsigned long long address;
    PyObject *keys;
    if (!PyArg_ParseTuple(args, "KO!", &address, &PyTuple_Type, &keys))
        return NULL;
    if (!bound_with_keys(keys))
        return NULL;
    void *tp = (void *)(uintptr_t)address;
    PyObject *out = PyList_New(0);
    if (!out)
        return NULL;
    int count = count_chars(tp);
    for (int i = 0; i < count; i++) {
        unsigned long code = get_unicode(tp, i);
        if (not_char(code) || code >= 0x110000 || is_generated(tp, i) == 1)
            continue;
        void *obj = text_object(tp, i);
        void *font = obj ? text_font(obj) : NULL;
        float size, descent, width;
        double x, y;
        matrixf m;
        if (!font || !object_font_size(obj, &size) || !char_origin(tp, i, &x, &y) || !char_matrix(tp, i, &m))
            continue;
        if (!font_descent(font, 1.0f, &descent))
            descent = 0.0f;
        if (!glyph_width(font, (unsigned int)code, 1.0f, &width))
            width = 0.0f;
        double fs = size, lo = (double)descent * fs, hi = ((double)descent + 1) * fs, adv = (double)width * fs;
        double a = m.a, b = m.b, c = m.c, d = m.d;
        double xs[4] = {c * lo, a * adv + c * lo, c * hi, a * adv + c * hi};
        double ys[4] = {d * lo, b * adv + d * lo, d * hi, b * adv + d * hi};
        double top = -(y + most(ys));
        double angle = char_angle(tp, i);
        PyObject *dict = PyDict_New(), *text = PyUnicode_FromOrdinal((int)code);
        if (!dict || !text || PyDict_SetItem(dict, PyTuple_GET_ITEM(keys, 0), text) < 0
            || set_float(dict, PyTuple_GET_ITEM(keys, 1), x + least(xs)) < 0
            || set_float(dict, PyTuple_GET_ITEM(keys, 2), x + most(xs)) < 0
            || set_float(dict, PyTuple_GET_ITEM(keys, 3), top) < 0
            || set_float(dict, PyTuple_GET_ITEM(keys, 4), -(y + least(ys))) < 0
            || set_float(dict, PyTuple_GET_ITEM(keys, 5), top) < 0
            || PyDict_SetItem(dict, PyTuple_GET_ITEM(keys, 6),
                              angle < UPRIGHT || angle > 2 * M_PI - UPRIGHT ? Py_True : Py_False) < 0
            || PyList_Append(out, dict) < 0) {
            Py_XDECREF(dict);
            Py_XDECREF(text);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(dict);
        Py_DECREF(text);
    }
    return out;
}

/* ----------------------------------------------------------------- ruling and spaces of a table page */

typedef struct { double a, b, c, d, e, f; } matrixd; /* pdf_tables.py's Matrix: floats read into doubles */

static int (*object_matrix)(void *, matrixf *);
static void *(*path_segment)(void *, int);
static int (*segment_point)(void *, float *, float *);
static int (*segment_type)(void *);
static int (*segment_close)(void *);
static int segment_moveto, segment_lineto, segment_bezierto;

#define EMPTY_WIDTH 1e-3 /* pdf_tables.py's _EMPTY */

/* pdf_tables.py's _compose: the matrix that applies `inner` and then `outer`, the same steps */
static matrixd
compose(matrixd in, matrixd out)
{
    matrixd r = {in.a * out.a + in.b * out.c, in.a * out.b + in.b * out.d, in.c * out.a + in.d * out.c,
                 in.c * out.b + in.d * out.d, in.e * out.a + in.f * out.c + out.e, in.e * out.b + in.f * out.d + out.f};
    return r;
}

/* pdf_tables.py's _object_matrix composed with `outer` */
static matrixd
placed(void *obj, matrixd outer)
{
    matrixf f;
    matrixd own = {1.0, 0.0, 0.0, 1.0, 0.0, 0.0};
    if (object_matrix(obj, &f)) {
        matrixd read = {f.a, f.b, f.c, f.d, f.e, f.f};
        own = read;
    }
    return compose(own, outer);
}

/* Python's min and max of two: the first wins a tie */
static double
least2(double x, double y)
{
    return y < x ? y : x;
}

static double
most2(double x, double y)
{
    return y > x ? y : x;
}

/* ("m"|"l"|"c"|"h", x, y) appended to ops; -1 with an exception set when it fails */
static int
add_op(PyObject *ops, const char *op, double x, double y)
{
    PyObject *t = Py_BuildValue("(sdd)", op, x, y);
    int r = t ? PyList_Append(ops, t) : -1;
    Py_XDECREF(t);
    return r;
}

/* pdf_tables.py's _path_ops, step for step: [(op, x, y)] in page space */
static PyObject *
path_ops(void *obj, matrixd m)
{
    PyObject *ops = PyList_New(0);
    if (!ops)
        return NULL;
    double sx = 0.0, sy = 0.0;
    int pending_curve = 0;
    int count = path_segments(obj);
    for (int i = 0; i < count; i++) {
        void *seg = path_segment(obj, i);
        float fx, fy;
        if (!seg || !segment_point(seg, &fx, &fy))
            continue;
        int kind = segment_type(seg);
        double x = fx, y = fy;
        double px = m.a * x + m.c * y + m.e, py = m.b * x + m.d * y + m.f;
        const char *op;
        if (kind == segment_moveto) {
            op = "m";
            sx = px;
            sy = py;
        } else if (kind == segment_lineto) {
            op = "l";
        } else if (kind == segment_bezierto) {
            if (++pending_curve < 3)
                continue; /* control points: pdfminer keeps only the end point of a curve */
            pending_curve = 0;
            op = "c";
        } else {
            continue;
        }
        if (add_op(ops, op, px, py) < 0 || (segment_close(seg) && add_op(ops, "h", sx, sy) < 0)) {
            Py_DECREF(ops);
            return NULL;
        }
    }
    return ops;
}

/* pdf_tables.py's _empty_text: the space a text object with an empty box is, as a pdfplumber char
 * (keys: the seven of table_chars), or None; NULL with an exception set when it fails. The object's
 * matrix is read only for an empty one (most text objects are not). */
static PyObject *
empty_text(void *obj, matrixd outer, PyObject *keys)
{
    float left, bottom, right, top, size, descent;
    if (!object_bounds(obj, &left, &bottom, &right, &top) || (double)right - (double)left >= EMPTY_WIDTH)
        Py_RETURN_NONE;
    matrixd m = placed(obj, outer);
    void *font = text_font(obj);
    if (!font || !object_font_size(obj, &size))
        Py_RETURN_NONE;
    if (!font_descent(font, 1.0f, &descent))
        descent = 0.0f;
    double lo = (double)descent * (double)size, hi = ((double)descent + 1) * (double)size;
    double x0 = m.e + m.c * lo, y0 = m.f + m.d * lo, x1 = m.e + m.c * hi, y1 = m.f + m.d * hi;
    double box_top = -most2(y0, y1);
    PyObject *dict = PyDict_New(), *text = PyUnicode_FromString(" ");
    if (!dict || !text || PyDict_SetItem(dict, PyTuple_GET_ITEM(keys, 0), text) < 0
        || set_float(dict, PyTuple_GET_ITEM(keys, 1), least2(x0, x1)) < 0
        || set_float(dict, PyTuple_GET_ITEM(keys, 2), most2(x0, x1)) < 0
        || set_float(dict, PyTuple_GET_ITEM(keys, 3), box_top) < 0
        || set_float(dict, PyTuple_GET_ITEM(keys, 4), -least2(y0, y1)) < 0
        || set_float(dict, PyTuple_GET_ITEM(keys, 5), box_top) < 0
        || PyDict_SetItem(dict, PyTuple_GET_ITEM(keys, 6), m.a * m.d > 0 && m.b * m.c <= 0 ? Py_True : Py_False) < 0) {
        Py_XDECREF(dict);
        Py_XDECREF(text);
        return NULL;
    }
    Py_DECREF(text);
    return dict;
}

/* pdf_tables.py's _page_objects, step for step: each path's ops go to `paths`, each empty text
 * object's space to `spaces`; 0, or -1 with an exception set */
static int
table_container(void *container, int form, matrixd m, PyObject *paths, PyObject *spaces, PyObject *keys, int depth)
{
    int count = form ? form_count_objects(container) : page_count_objects(container);
    for (int i = 0; i < count; i++) {
        void *obj = form ? form_get_object(container, (unsigned long)i) : page_get_object(container, i);
        if (!obj)
            continue;
        int kind = object_type(obj);
        if (kind == type_path) {
            PyObject *ops = path_ops(obj, placed(obj, m));
            int r = ops ? PyList_Append(paths, ops) : -1;
            Py_XDECREF(ops);
            if (r < 0)
                return -1;
        } else if (kind == type_text) {
            PyObject *space = empty_text(obj, m, keys);
            if (!space)
                return -1;
            int r = space == Py_None ? 0 : PyList_Append(spaces, space);
            Py_DECREF(space);
            if (r < 0)
                return -1;
        } else if (kind == type_form && depth < MAX_FORM_DEPTH) {
            if (table_container(obj, 1, placed(obj, m), paths, spaces, keys, depth + 1) < 0)
                return -1;
        }
    }
    return 0;
}

/* table_objects(page, keys, moveto, lineto, bezierto) -> ([path ops], [space]): pdf_tables.py's
 * _page_objects before its shapes (_subpath_objects), for a page; keys as table_chars takes them */
static PyObject *
table_objects(PyObject *self, PyObject *args)
{
    unsigned long long address;
    PyObject *keys;
    if (!PyArg_ParseTuple(args, "KO!iii", &address, &PyTuple_Type, &keys, &segment_moveto, &segment_lineto,
                          &segment_bezierto))
        return NULL;
    if (!bound_with_keys(keys))
        return NULL;
    PyObject *paths = PyList_New(0), *spaces = PyList_New(0), *result = NULL;
    matrixd identity = {1.0, 0.0, 0.0, 1.0, 0.0, 0.0};
    if (paths && spaces && table_container((void *)(uintptr_t)address, 0, identity, paths, spaces, keys, 0) == 0)
        result = PyTuple_Pack(2, paths, spaces);
    Py_XDECREF(paths);
    Py_XDECREF(spaces);
    return result;
}

/* ---------------------------------------------------------------------------------- binding */

/* Every pdfium function called here, by its name in pypdfium2's binding, and where its address goes. */
static const struct {
    const char *name;
    void *slot; /* the address of a function pointer above */
} functions[] = {
    {"FPDFText_CountChars", &count_chars},
    {"FPDFText_GetText", &get_text},
    {"FPDFText_GetUnicode", &get_unicode},
    {"FPDFText_IsGenerated", &is_generated},
    {"FPDFText_GetLooseCharBox", &loose_char_box},
    {"FPDFText_GetCharAngle", &char_angle},
    {"FPDFPage_CountObjects", &page_count_objects},
    {"FPDFPage_GetObject", &page_get_object},
    {"FPDFFormObj_CountObjects", &form_count_objects},
    {"FPDFFormObj_GetObject", &form_get_object},
    {"FPDFPageObj_GetType", &object_type},
    {"FPDFPageObj_GetBounds", &object_bounds},
    {"FPDFPath_CountSegments", &path_segments},
    {"FPDFTextObj_GetFont", &text_font},
    {"FPDFText_GetTextObject", &text_object},
    {"FPDFTextObj_GetFontSize", &object_font_size},
    {"FPDFText_GetCharOrigin", &char_origin},
    {"FPDFText_GetMatrix", &char_matrix},
    {"FPDFFont_GetDescent", &font_descent},
    {"FPDFFont_GetGlyphWidth", &glyph_width},
    {"FPDFPageObj_GetMatrix", &object_matrix},
    {"FPDFPath_GetPathSegment", &path_segment},
    {"FPDFPathSegment_GetPoint", &segment_point},
    {"FPDFPathSegment_GetType", &segment_type},
    {"FPDFPathSegment_GetClose", &segment_close},
};
#define N_FUNCTIONS (sizeof functions / sizeof functions[0])

/* bind({name: address}, text, path, form): the addresses of the functions above in the pdfium that
 * pypdfium2 loaded, and its page-object types. Nothing is bound unless every address is given. */
static PyObject *
bind(PyObject *self, PyObject *args)
{
    PyObject *addresses;
    int text, path, form;
    uintptr_t found[N_FUNCTIONS];
    if (!PyArg_ParseTuple(args, "O!iii", &PyDict_Type, &addresses, &text, &path, &form))
        return NULL;
    for (size_t k = 0; k < N_FUNCTIONS; k++) {
        PyObject *value = PyDict_GetItemString(addresses, functions[k].name);
        if (!value) {
            PyErr_Format(PyExc_KeyError, "no address for %s", functions[k].name);
            return NULL;
        }
        unsigned long long address = PyLong_AsUnsignedLongLong(value);
        if (PyErr_Occurred())
            return NULL;
        if (!address) {
            PyErr_Format(PyExc_ValueError, "a null address for %s", functions[k].name);
            return NULL;
        }
        found[k] = (uintptr_t)address;
    }
    for (size_t k = 0; k < N_FUNCTIONS; k++)
        memcpy(functions[k].slot, &found[k], sizeof found[k]); /* a function pointer's size on every platform CPython runs on */
    type_text = text;
    type_path = path;
    type_form = form;
    bound = 1;
    Py_RETURN_NONE;
}

/* ----------------------------------------------------------------------- word frequencies */

/* The index of the key target[0:target_len] among indexes lo <= i < hi of a table (keys: every key's
 * UTF-8 bytes end to end, in byte order; offs: key i is bytes[offs[i]:offs[i + 1]]), -1 when it is no
 * key, -2 when an offset does not fit the keys. */
static Py_ssize_t
key_index(const unsigned char *bytes, Py_ssize_t keys_len, const uint32_t *offs, Py_ssize_t lo, Py_ssize_t hi,
          const char *target, Py_ssize_t target_len)
{
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        uint32_t start = offs[mid], end = offs[mid + 1];
        if (end < start || end > (uint64_t)keys_len)
            return -2;
        Py_ssize_t len = end - start, common = len < target_len ? len : target_len;
        int cmp = memcmp(bytes + start, target, common);
        if (cmp == 0)
            cmp = len < target_len ? -1 : len > target_len;
        if (cmp < 0)
            lo = mid + 1;
        else if (cmp > 0)
            hi = mid;
        else
            return mid;
    }
    return -1;
}

/* find_key(keys, offsets, lo, hi, target) -> index or -1: words.py's MappedFrequencies bisection.
 * keys: every key's UTF-8 bytes end to end, in byte order; offsets: n + 1 uint32 (key i is
 * keys[offsets[i]:offsets[i + 1]]); the key is looked for among indexes lo <= i < hi. */
static PyObject *
find_key(PyObject *self, PyObject *args)
{
    Py_buffer keys, offsets;
    Py_ssize_t lo, hi;
    const char *target;
    Py_ssize_t target_len;
    if (!PyArg_ParseTuple(args, "y*y*nny#", &keys, &offsets, &lo, &hi, &target, &target_len))
        return NULL;
    Py_ssize_t n = offsets.len / (Py_ssize_t)sizeof(uint32_t) - 1;
    if (lo < 0 || hi > n || offsets.len % (Py_ssize_t)sizeof(uint32_t)) {
        PyBuffer_Release(&keys);
        PyBuffer_Release(&offsets);
        PyErr_SetString(PyExc_ValueError, "lo and hi must lie within the offsets");
        return NULL;
    }
    Py_ssize_t found = key_index(keys.buf, keys.len, offsets.buf, lo, hi, target, target_len);
    PyBuffer_Release(&keys);
    PyBuffer_Release(&offsets);
    if (found == -2) {
        PyErr_SetString(PyExc_ValueError, "an offset outside the keys");
        return NULL;
    }
    return PyLong_FromSsize_t(found);
}

typedef struct {
    Py_buffer keys, offsets, freqs;
    Py_ssize_t n;          /* keys in the table */
    const char *utf8;      /* the sentence's UTF-8 bytes */
    Py_ssize_t chars;      /* the sentence's length in characters */
    Py_ssize_t *at;        /* where each character's bytes start, chars + 1 of them */
} word_table;

static void
release_table(word_table *t)
{
    PyBuffer_Release(&t->keys);
    PyBuffer_Release(&t->offsets);
    PyBuffer_Release(&t->freqs);
    PyMem_Free(t->at);
    t->at = NULL;
}

/* The table's buffers and the sentence's bytes by character; 0 with an exception set when they do
 * not fit together. The buffers are taken by the caller's PyArg_ParseTuple. */
static int
open_table(word_table *t, PyObject *sentence)
{
    t->at = NULL;
    if (t->offsets.len % (Py_ssize_t)sizeof(uint32_t) || t->freqs.len % (Py_ssize_t)sizeof(uint32_t)
        || t->offsets.len < (Py_ssize_t)sizeof(uint32_t)
        || t->freqs.len / (Py_ssize_t)sizeof(uint32_t) != t->offsets.len / (Py_ssize_t)sizeof(uint32_t) - 1) {
        PyErr_SetString(PyExc_ValueError, "offsets and frequencies do not fit together");
        return 0;
    }
    t->n = t->freqs.len / (Py_ssize_t)sizeof(uint32_t);
    Py_ssize_t size;
    t->utf8 = PyUnicode_AsUTF8AndSize(sentence, &size);
    if (!t->utf8)
        return 0;
    t->chars = PyUnicode_GET_LENGTH(sentence);
    t->at = PyMem_Malloc((t->chars + 1) * sizeof(Py_ssize_t));
    if (!t->at) {
        PyErr_NoMemory();
        return 0;
    }
    int kind = PyUnicode_KIND(sentence);
    const void *data = PyUnicode_DATA(sentence);
    Py_ssize_t pos = 0;
    for (Py_ssize_t i = 0; i < t->chars; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        t->at[i] = pos;
        pos += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    }
    t->at[t->chars] = pos;
    return 1;
}

/* The frequency of sentence[first:last + 1] (characters; 0: only a prefix of keys), -1 when it is no
 * key, -2 when an offset does not fit the keys */
static long long
fragment_frequency(word_table *t, Py_ssize_t first, Py_ssize_t last)
{
    Py_ssize_t i = key_index(t->keys.buf, t->keys.len, t->offsets.buf, 0, t->n,
                             t->utf8 + t->at[first], t->at[last + 1] - t->at[first]);
    return i >= 0 ? (long long)((const uint32_t *)t->freqs.buf)[i] : i;
}

/* dict[key] = (first, second), the three references taken over (any of them NULL: a failure already
 * raised); 0 with an exception set when it fails */
static int
set_pair(PyObject *dict, PyObject *key, PyObject *first, PyObject *second)
{
    PyObject *pair = key && first && second ? PyTuple_Pack(2, first, second) : NULL;
    int ok = pair && PyDict_SetItem(dict, key, pair) == 0;
    Py_XDECREF(key);
    Py_XDECREF(first);
    Py_XDECREF(second);
    Py_XDECREF(pair);
    return ok;
}

/* list.append(index); -1 with an exception set when it fails */
static int
append_index(PyObject *list, Py_ssize_t index)
{
    PyObject *v = PyLong_FromSsize_t(index);
    int r = v ? PyList_Append(list, v) : -1;
    Py_XDECREF(v);
    return r;
}

/* word_graph(keys, offsets, freqs, sentence) -> {k: [ends]}: words.MappedFrequencies.word_graph, jieba's
 * Tokenizer.get_DAG: for each position k, the ends i of the fragments sentence[k:i + 1] that are words
 * (a frequency above 0), read on while a fragment is a key (a word, or with 0 only a prefix of words);
 * [k] where none is. */
static PyObject *
word_graph(PyObject *self, PyObject *args)
{
    word_table t;
    PyObject *sentence;
    PyObject *graph = NULL;
    if (!PyArg_ParseTuple(args, "y*y*y*U", &t.keys, &t.offsets, &t.freqs, &sentence))
        return NULL;
    if (!open_table(&t, sentence) || !(graph = PyDict_New()))
        goto fail;
    for (Py_ssize_t k = 0; k < t.chars; k++) {
        PyObject *ends = PyList_New(0);
        if (!ends)
            goto fail;
        for (Py_ssize_t i = k; i < t.chars; i++) {
            long long f = fragment_frequency(&t, k, i);
            if (f == -2) {
                PyErr_SetString(PyExc_ValueError, "an offset outside the keys");
                Py_DECREF(ends);
                goto fail;
            }
            if (f < 0)
                break;
            if (f > 0 && append_index(ends, i) < 0) {
                Py_DECREF(ends);
                goto fail;
            }
        }
        if (PyList_GET_SIZE(ends) == 0 && append_index(ends, k) < 0) {
            Py_DECREF(ends);
            goto fail;
        }
        PyObject *key = PyLong_FromSsize_t(k);
        int bad = !key || PyDict_SetItem(graph, key, ends) < 0;
        Py_XDECREF(key);
        Py_DECREF(ends);
        if (bad)
            goto fail;
    }
    release_table(&t);
    return graph;
fail:
    Py_XDECREF(graph);
    release_table(&t);
    return NULL;
}

/* best_route(keys, offsets, freqs, total, sentence, graph, route): words.MappedFrequencies.best_route,
 * jieba's Tokenizer.calc: route[i] = max((log(FREQ.get(word) or 1) - log(total) + route[x + 1][0], x)
 * for x in graph[i]), from the sentence's end; route[len] = (0, 0). The same floating-point steps in
 * the same order as Python's, so the same values. */
static PyObject *
best_route(PyObject *self, PyObject *args)
{
    word_table t;
    PyObject *sentence, *graph, *route;
    double total;
    double *score = NULL;
    PyObject *result = NULL;
    if (!PyArg_ParseTuple(args, "y*y*y*dUO!O!", &t.keys, &t.offsets, &t.freqs, &total, &sentence,
                          &PyDict_Type, &graph, &PyDict_Type, &route))
        return NULL;
    if (!open_table(&t, sentence))
        goto done;
    Py_ssize_t n = t.chars;
    score = PyMem_Malloc((n + 1) * sizeof(double));
    if (!score) {
        PyErr_NoMemory();
        goto done;
    }
    score[n] = 0.0;
    if (!set_pair(route, PyLong_FromSsize_t(n), PyLong_FromLong(0), PyLong_FromLong(0)))
        goto done;
    double logtotal = log(total);
    for (Py_ssize_t idx = n - 1; idx >= 0; idx--) {
        PyObject *key = PyLong_FromSsize_t(idx);
        if (!key)
            goto done;
        PyObject *ends = PyDict_GetItemWithError(graph, key); /* borrowed */
        if (!ends) {
            if (!PyErr_Occurred())
                PyErr_SetObject(PyExc_KeyError, key);
            Py_DECREF(key);
            goto done;
        }
        PyObject *seq = PySequence_Fast(ends, "a word graph's ends must be a sequence");
        if (!seq) {
            Py_DECREF(key);
            goto done;
        }
        double best = 0.0;
        Py_ssize_t best_end = -1;
        for (Py_ssize_t j = 0; j < PySequence_Fast_GET_SIZE(seq); j++) {
            Py_ssize_t x = PyLong_AsSsize_t(PySequence_Fast_GET_ITEM(seq, j));
            if (x == -1 && PyErr_Occurred())
                break;
            if (x < idx || x >= n) {
                PyErr_SetString(PyExc_ValueError, "a word graph's end outside the sentence");
                break;
            }
            long long f = fragment_frequency(&t, idx, x);
            if (f == -2) {
                PyErr_SetString(PyExc_ValueError, "an offset outside the keys");
                break;
            }
            double value = log((double)(f > 0 ? f : 1)) - logtotal + score[x + 1];
            if (best_end < 0 || value > best || (value == best && x > best_end)) {
                best = value;
                best_end = x;
            }
        }
        Py_DECREF(seq);
        if (PyErr_Occurred() || best_end < 0) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "max() arg is an empty sequence");
            Py_DECREF(key);
            goto done;
        }
        score[idx] = best;
        if (!set_pair(route, key, PyFloat_FromDouble(best), PyLong_FromSsize_t(best_end)))
            goto done;
    }
    result = Py_None;
    Py_INCREF(result);
done:
    PyMem_Free(score);
    release_table(&t);
    return result;
}

/* pos_viterbi(start, trans, has_next, steps) -> [state index of each character]: jieba.posseg.viterbi's
 * route (words._pos_tags). States are numbered in the order of their (position, tag) tuples, so that a tie
 * goes to the larger index as Python's max over (probability, state) tuples gives it to the larger tuple.
 * start: n doubles; trans: n * n doubles (-inf: no transition); has_next: n bytes (the state has any
 * transition); steps: one (allowed, emit_index, emit_value) per character: allowed None (every state) or n
 * bytes, emit_index the states (uint16) whose emission of the character is known and emit_value their
 * doubles (every other state: jieba's MIN_FLOAT). The same floating-point steps in the same order. */
#define POS_MIN_FLOAT (-3.14e100)

static int
pos_emission(PyObject *step, Py_ssize_t n, double *row, const unsigned char **allowed, Py_buffer *views)
{
    if (!PyTuple_Check(step) || PyTuple_GET_SIZE(step) != 3) {
        PyErr_SetString(PyExc_TypeError, "a step is (allowed, emit_index, emit_value)");
        return 0;
    }
    PyObject *mask = PyTuple_GET_ITEM(step, 0);
    *allowed = NULL;
    if (mask != Py_None) {
        if (PyObject_GetBuffer(mask, &views[0], PyBUF_SIMPLE) < 0)
            return 0;
        if (views[0].len != n) {
            PyBuffer_Release(&views[0]);
            PyErr_SetString(PyExc_ValueError, "a step's allowed states must be n bytes");
            return 0;
        }
        *allowed = views[0].buf;
    }
    if (PyObject_GetBuffer(PyTuple_GET_ITEM(step, 1), &views[1], PyBUF_SIMPLE) < 0)
        goto fail0;
    if (PyObject_GetBuffer(PyTuple_GET_ITEM(step, 2), &views[2], PyBUF_SIMPLE) < 0)
        goto fail1;
    Py_ssize_t k = views[1].len / (Py_ssize_t)sizeof(uint16_t);
    if (views[1].len % sizeof(uint16_t) || views[2].len != k * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "a step's emission index and values differ in length");
        goto fail2;
    }
    for (Py_ssize_t y = 0; y < n; y++)
        row[y] = POS_MIN_FLOAT;
    const uint16_t *idx = views[1].buf;
    const double *val = views[2].buf;
    for (Py_ssize_t j = 0; j < k; j++) {
        if (idx[j] >= n) {
            PyErr_SetString(PyExc_ValueError, "an emission's state outside the states");
            goto fail2;
        }
        row[idx[j]] = val[j];
    }
    PyBuffer_Release(&views[2]);
    PyBuffer_Release(&views[1]);
    return 1; /* views[0] stays held while `allowed` is read: the caller releases it */
fail2:
    PyBuffer_Release(&views[2]);
fail1:
    PyBuffer_Release(&views[1]);
fail0:
    if (mask != Py_None)
        PyBuffer_Release(&views[0]);
    return 0;
}

static PyObject *
pos_viterbi(PyObject *self, PyObject *args)
{
    Py_buffer start, trans, has_next;
    PyObject *steps;
    if (!PyArg_ParseTuple(args, "y*y*y*O!", &start, &trans, &has_next, &PyList_Type, &steps))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = has_next.len, T = PyList_GET_SIZE(steps);
    double *v_prev = NULL, *v_cur = NULL, *row = NULL;
    unsigned char *in_prev = NULL, *in_cur = NULL, *expect = NULL;
    int16_t *back = NULL;
    Py_ssize_t *prev = NULL;
    if (n <= 0 || n > 32767 || start.len != n * (Py_ssize_t)sizeof(double)
            || trans.len != n * n * (Py_ssize_t)sizeof(double) || T == 0) {
        PyErr_SetString(PyExc_ValueError, "pos_viterbi: n states, n * n transitions, one step or more");
        goto done;
    }
    v_prev = PyMem_Malloc(n * sizeof(double));
    v_cur = PyMem_Malloc(n * sizeof(double));
    row = PyMem_Malloc(n * sizeof(double));
    in_prev = PyMem_Calloc(n, 1);
    in_cur = PyMem_Calloc(n, 1);
    expect = PyMem_Calloc(n, 1);
    back = PyMem_Malloc((size_t)T * n * sizeof(int16_t));
    prev = PyMem_Malloc(n * sizeof(Py_ssize_t));
    if (!v_prev || !v_cur || !row || !in_prev || !in_cur || !expect || !back || !prev) {
        PyErr_NoMemory();
        goto done;
    }
    const double *sp = start.buf, *tp = trans.buf;
    const unsigned char *nx = has_next.buf;
    for (Py_ssize_t t = 0; t < T; t++) {
        Py_buffer views[3];
        const unsigned char *allowed;
        if (!pos_emission(PyList_GET_ITEM(steps, t), n, row, &allowed, views))
            goto done;
        int16_t *bt = back + (size_t)t * n;
        if (t == 0) {
            for (Py_ssize_t y = 0; y < n; y++) {
                in_cur[y] = allowed ? allowed[y] != 0 : 1;
                if (in_cur[y])
                    v_cur[y] = sp[y] + row[y];
            }
        } else {
            /* prev_states: the last step's states that lead anywhere; expect: where they lead */
            int any_prev = 0, any_expect = 0, any_obs = 0;
            memset(expect, 0, n);
            for (Py_ssize_t x = 0; x < n; x++) {
                if (!in_prev[x] || !nx[x]) {
                    in_prev[x] = 0;
                    continue;
                }
                any_prev = 1;
                const double *tr = tp + x * n;
                for (Py_ssize_t y = 0; y < n; y++)
                    if (tr[y] != -INFINITY)
                        expect[y] = 1;
            }
            for (Py_ssize_t y = 0; y < n; y++) {
                any_expect |= expect[y];
                in_cur[y] = expect[y] && (allowed ? allowed[y] != 0 : 1);
                any_obs |= in_cur[y];
            }
            if (!any_obs)
                for (Py_ssize_t y = 0; y < n; y++)
                    in_cur[y] = any_expect ? expect[y] : 1;
            if (!any_prev) {
                int empty = 1;
                for (Py_ssize_t y = 0; y < n; y++)
                    empty &= !in_cur[y];
                if (!empty) {
                    if (allowed)
                        PyBuffer_Release(&views[0]);
                    PyErr_SetString(PyExc_ValueError, "max() arg is an empty sequence");
                    goto done;
                }
            }
            Py_ssize_t n_prev = 0;
            for (Py_ssize_t x = 0; x < n; x++)
                if (in_prev[x])
                    prev[n_prev++] = x;
            for (Py_ssize_t y = 0; y < n; y++) {
                if (!in_cur[y])
                    continue;
                double best = 0.0;
                Py_ssize_t best_x = -1;
                for (Py_ssize_t j = 0; j < n_prev; j++) { /* ascending: a tie goes to the later, larger state */
                    Py_ssize_t x = prev[j];
                    double value = v_prev[x] + tp[x * n + y] + row[y];
                    if (best_x < 0 || value >= best) {
                        best = value;
                        best_x = x;
                    }
                }
                v_cur[y] = best;
                bt[y] = (int16_t)best_x;
            }
        }
        if (allowed)
            PyBuffer_Release(&views[0]);
        double *swap = v_prev;
        v_prev = v_cur;
        v_cur = swap;
        unsigned char *swap_in = in_prev;
        in_prev = in_cur;
        in_cur = swap_in;
    }
    /* the last step's best state: max over (probability, state) */
    Py_ssize_t state = -1;
    double best = 0.0;
    for (Py_ssize_t y = 0; y < n; y++)
        if (in_prev[y] && (state < 0 || v_prev[y] >= best)) {
            best = v_prev[y];
            state = y;
        }
    if (state < 0) {
        PyErr_SetString(PyExc_ValueError, "max() arg is an empty sequence");
        goto done;
    }
    result = PyList_New(T);
    if (!result)
        goto done;
    for (Py_ssize_t t = T - 1; t >= 0; t--) {
        PyObject *k = PyLong_FromSsize_t(state);
        if (!k) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, t, k);
        if (t > 0)
            state = back[(size_t)t * n + state];
    }
done:
    PyMem_Free(v_prev);
    PyMem_Free(v_cur);
    PyMem_Free(row);
    PyMem_Free(in_prev);
    PyMem_Free(in_cur);
    PyMem_Free(expect);
    PyMem_Free(back);
    PyMem_Free(prev);
    PyBuffer_Release(&start);
    PyBuffer_Release(&trans);
    PyBuffer_Release(&has_next);
    return result;
}

/* visual_width(s) -> float: normalise.visual_width, a text's rendered width in CJK character units,
 * every character before the CJK blocks (below U+2E80) counted half: len(s) - 0.5 * narrow. */
static PyObject *
visual_width(PyObject *self, PyObject *s)
{
    if (!PyUnicode_Check(s)) {
        PyErr_SetString(PyExc_TypeError, "visual_width() takes a str");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(s), narrow = 0;
    int kind = PyUnicode_KIND(s);
    if (kind == PyUnicode_1BYTE_KIND)
        narrow = n; /* every character below U+0100 */
    else {
        const void *data = PyUnicode_DATA(s);
        for (Py_ssize_t i = 0; i < n; i++)
            narrow += PyUnicode_READ(kind, data, i) < 0x2E80;
    }
    return PyFloat_FromDouble((double)n - 0.5 * (double)narrow);
}

static PyObject *
function_names(void)
{
    PyObject *names = PyTuple_New(N_FUNCTIONS);
    if (!names)
        return NULL;
    for (size_t k = 0; k < N_FUNCTIONS; k++) {
        PyObject *name = PyUnicode_FromString(functions[k].name);
        if (!name) {
            Py_DECREF(names);
            return NULL;
        }
        PyTuple_SET_ITEM(names, k, name);
    }
    return names;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS, "bind({name: address}, text, path, form): pdfium's functions (PDFIUM_FUNCTIONS) and page-object types"},
    {"scan_page", scan_page, METH_VARARGS, "scan_page(page, font_risk, zero_width) -> (vertical_x, horizontal, grid_path, lossy_text)"},
    {"table_chars", table_chars, METH_VARARGS, "table_chars(textpage, keys) -> [char dict] as pdfplumber's Page.chars"},
    {"page_glyphs", page_glyphs, METH_VARARGS, "page_glyphs(textpage, boxes) -> {quadrant: [glyph]}"},
    {"visual_lines", visual_lines, METH_O, "visual_lines(glyphs) -> [[glyph]] (None: not plain glyphs)"},
    {"widest_gap", widest_gap, METH_O, "widest_gap(group) -> (left, right, index) (None: not plain glyphs)"},
    {"find_key", find_key, METH_VARARGS, "find_key(keys, offsets, lo, hi, target) -> index or -1 (words.MappedFrequencies)"},
    {"visual_width", visual_width, METH_O, "visual_width(s) -> float (normalise.visual_width)"},
    {"word_graph", word_graph, METH_VARARGS, "word_graph(keys, offsets, freqs, sentence) -> {k: [ends]} (words.MappedFrequencies)"},
    {"table_objects", table_objects, METH_VARARGS, "table_objects(page, keys, moveto, lineto, bezierto) -> ([path ops], [space]) (pdf_tables._page_objects)"},
    {"best_route", best_route, METH_VARARGS, "best_route(keys, offsets, freqs, total, sentence, graph, route) (words.MappedFrequencies)"},
    {"pos_viterbi", pos_viterbi, METH_VARARGS, "pos_viterbi(start, trans, has_next, steps) -> [state index] (words._pos_tags)"},
    {"page_lines", page_lines, METH_VARARGS, "page_lines(textpage, boxes, split_min) -> {quadrant: (glyph count, [line record])} or None (pdf._page_lines)"},
    {"line_parts", line_parts, METH_O, "line_parts(group) -> (text, x0, x1, top, bottom, size) (None: not plain glyphs)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups", "Compiled twins of planparse's hottest loops.", -1, methods};

PyMODINIT_FUNC
PyInit__speedups(void)
{
    PyObject *m = PyModule_Create(&module);
    PyObject *names = m ? function_names() : NULL;
    if (!names || PyModule_AddObject(m, "PDFIUM_FUNCTIONS", names) < 0) {
        Py_XDECREF(names);
        Py_XDECREF(m);
        return NULL;
    }
    return m;
}
