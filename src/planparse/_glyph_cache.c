/* _glyph_cache: a cache of glyph metrics inside the pdfium that pypdfium2 loaded (optional, Linux only).
 *
 * pdfium measures every character twice (a text object's box when it parses a page, each character's box
 * when it builds the text page), and for a character of a CID font (all CJK text) each measure loads the
 * glyph's outline through FreeType: FT_Load_Glyph with FT_LOAD_NO_SCALE, then only the glyph slot's
 * metrics are read (CFX_Face::GetCharBBox). pdfium keeps the boxes of codes below 256 only, so a page of
 * Chinese loads the same few hundred outlines thousands of times: a fifth of all the work of reading a
 * PDF (bench/README.md, "Instructions").
 *
 * FreeType is inside libpdfium, and pdfium calls FT_Load_Glyph through its own procedure linkage table.
 * install() points that table's entry at cached_load(), which answers an unscaled load (the only load
 * whose result is the glyph's design metrics alone) of a glyph already loaded from the same face with the
 * metrics FreeType gave then, and passes every other call on. What the cache cannot know goes around it:
 * a face whose glyphs change (multiple masters and variable fonts, whose design coordinates pdfium sets;
 * tricky fonts, measured scaled); and an entry holds for the life of its face only (from when the face is
 * made or first met to when it is freed: FT_New_Memory_Face and FT_Done_Face are wrapped the same way), so
 * a face made where a freed one was starts afresh. uninstall() puts FreeType's own functions back. The tests read every fixture PDF with and without the cache and compare every character's box,
 * every object's bounds and the Document (tests/test_glyph_cache.py).
 *
 * The glyph slot's layout (FT_FaceRec, FT_GlyphSlotRec) is FreeType's public ABI, declared below for the
 * fields used; the first load through the cache checks it (the slot names its face) and the cache turns
 * itself off for good if it does not hold.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#if defined(__linux__) && defined(__LP64__)
#define GLYPH_CACHE_SUPPORTED 1
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* FreeType's public structures, as far as the fields read or written here (freetype.h) */
typedef long FT_Pos;
typedef struct {
    FT_Pos width, height, horiBearingX, horiBearingY, horiAdvance, vertBearingX, vertBearingY, vertAdvance;
} FT_Glyph_Metrics;
typedef struct {
    void *data;
    void *finalizer;
} FT_Generic;
typedef struct FT_GlyphSlotRec_ {
    void *library;
    void *face;
    struct FT_GlyphSlotRec_ *next;
    unsigned int glyph_index;
    FT_Generic generic;
    FT_Glyph_Metrics metrics;
    long linearHoriAdvance;
    long linearVertAdvance;
    FT_Pos advance_x, advance_y;
    int format;
} FT_GlyphSlotRec;
typedef struct {
    long num_faces, face_index, face_flags, style_flags, num_glyphs;
    char *family_name, *style_name;
    int num_fixed_sizes;
    void *available_sizes;
    int num_charmaps;
    void *charmaps;
    FT_Generic generic;
    FT_Pos bbox[4];
    unsigned short units_per_EM;
    short ascender, descender, height, max_advance_width, max_advance_height, underline_position,
        underline_thickness;
    FT_GlyphSlotRec *glyph;
} FT_FaceRec;

#define FT_LOAD_NO_SCALE 0x1
#define FT_LOAD_IGNORE_GLOBAL_ADVANCE_WIDTH 0x200
#define FT_FACE_FLAG_MULTIPLE_MASTERS (1L << 8)
#define FT_FACE_FLAG_TRICKY (1L << 13)

typedef int (*load_glyph_fn)(FT_FaceRec *, unsigned int, int);
#define N_ENTRIES 16384 /* direct-mapped (2 MB); a document uses a few thousand glyphs */
typedef struct {
    const FT_FaceRec *face;
    unsigned long life; /* the face's (face_life) */
    unsigned int glyph;
    int flags;
    FT_Glyph_Metrics metrics;
    long linear_hori, linear_vert;
    FT_Pos advance_x, advance_y;
    int format;
} Entry;

static Entry *entries;

/* Each face, from when it is made (or first seen) to when it is freed, is one life, numbered: an entry
 * holds for the life it was stored in only, so a face made where a freed one was is never answered with
 * the freed one's glyphs. Faces by address, direct-mapped: a face pushed out gets a new life when next
 * seen (its entries are then merely missed). */
#define N_FACES 1024
typedef struct {
    const void *face;
    unsigned long life;
} FaceLife;
static FaceLife lives[N_FACES];
static unsigned long last_life;
static char lock;               /* pdfium may be called from several threads (a batch's Dask threads) */
static unsigned long hits, misses;
static int layout_checked, layout_wrong;

static void **load_slot;        /* the table entry cached_load() sits in */
static load_glyph_fn real_load; /* FreeType's FT_Load_Glyph */

static void take(void) { while (__atomic_test_and_set(&lock, __ATOMIC_ACQUIRE)) {} }
static void give(void) { __atomic_clear(&lock, __ATOMIC_RELEASE); }

static FaceLife *life_slot(const void *face)
{
    uintptr_t h = ((uintptr_t)face >> 4) * 0x9E3779B97F4A7C15u;
    return &lives[(h >> 40) & (N_FACES - 1)];
}

/* The face's life (under the lock); a face not met before begins one. */
static unsigned long face_life(const void *face)
{
    FaceLife *l = life_slot(face);
    if (l->face != face || l->life == 0) {
        l->face = face;
        l->life = ++last_life;
    }
    return l->life;
}

/* A new life for the face (made, or freed): what was stored for its address no longer holds. */
static void new_life(const void *face)
{
    take();
    FaceLife *l = life_slot(face);
    l->face = face;
    l->life = ++last_life;
    give();
}

static Entry *entry_of(const FT_FaceRec *face, unsigned int glyph, int flags)
{
    uintptr_t h = ((uintptr_t)face >> 4) * 0x9E3779B97F4A7C15u ^ (uintptr_t)glyph * 2654435761u ^ (uintptr_t)flags;
    return &entries[(h ^ (h >> 29)) & (N_ENTRIES - 1)];
}

static int cached_load(FT_FaceRec *face, unsigned int glyph, int flags)
{
    if ((flags != FT_LOAD_NO_SCALE && flags != (FT_LOAD_NO_SCALE | FT_LOAD_IGNORE_GLOBAL_ADVANCE_WIDTH))
        || face == NULL || (face->face_flags & (FT_FACE_FLAG_MULTIPLE_MASTERS | FT_FACE_FLAG_TRICKY))
        || layout_wrong)
        return real_load(face, glyph, flags);
    Entry found;
    int hit = 0;
    take();
    unsigned long life = face_life(face);
    Entry *e = entry_of(face, glyph, flags);
    if (e->life == life && e->face == face && e->glyph == glyph && e->flags == flags) {
        found = *e;
        hit = 1;
        hits++;
    }
    give();
    FT_GlyphSlotRec *slot = face->glyph;
    if (hit && slot != NULL) {
        /* what FT_Load_Glyph sets for an unscaled outline load, but the outline itself, which the
         * callers that ask for an unscaled load do not read */
        slot->glyph_index = glyph;
        slot->metrics = found.metrics;
        slot->linearHoriAdvance = found.linear_hori;
        slot->linearVertAdvance = found.linear_vert;
        slot->advance_x = found.advance_x;
        slot->advance_y = found.advance_y;
        slot->format = found.format;
        return 0;
    }
    int err = real_load(face, glyph, flags);
    slot = face->glyph;
    if (err != 0 || slot == NULL)
        return err;
    take();
    misses++;
    if (!layout_checked) {
        layout_checked = 1;
        layout_wrong = slot->face != (void *)face || slot->glyph_index != glyph;
    }
    if (!layout_wrong && face_life(face) == life) { /* not freed or made anew meanwhile (another thread) */
        e = entry_of(face, glyph, flags);
        e->face = face;
        e->life = life;
        e->glyph = glyph;
        e->flags = flags;
        e->metrics = slot->metrics;
        e->linear_hori = slot->linearHoriAdvance;
        e->linear_vert = slot->linearVertAdvance;
        e->advance_x = slot->advance_x;
        e->advance_y = slot->advance_y;
        e->format = slot->format;
    }
    give();
    return err;
}

/* Every face begins a new life (FreeType itself is shut down, with all its faces). */
static void forget_all(void)
{
    take();
    memset(lives, 0, sizeof lives);
    give();
}

/* In a child process forked while another thread held the lock (or was storing an entry): only the
 * forking thread goes on, so the lock is free, and what may be half written is forgotten. */
static void after_fork_in_child(void)
{
    __atomic_clear(&lock, __ATOMIC_RELEASE);
    memset(lives, 0, sizeof lives);
}

/* The calls that make or free a face: each begins a new life for it once it has run (a face made may
 * have a freed face's address, also one freed by a way that does not pass here); a load that was going on
 * meanwhile stores nothing (cached_load). */
static int (*real_new_memory_face)(void *, const void *, long, long, void *);
static int (*real_open_face)(void *, const void *, long, void *);
static int (*real_new_face)(void *, const char *, long, void *);
static int (*real_done_face)(void *);
static int (*real_done_freetype)(void *);
static int (*real_done_library)(void *);

static int new_memory_face(void *library, const void *data, long size, long index, void *face)
{
    int r = real_new_memory_face(library, data, size, index, face);
    if (r == 0 && face != NULL)
        new_life(*(void **)face);
    return r;
}
static int open_face(void *library, const void *args, long index, void *face)
{
    int r = real_open_face(library, args, index, face);
    if (r == 0 && face != NULL)
        new_life(*(void **)face);
    return r;
}
static int new_face(void *library, const char *path, long index, void *face)
{
    int r = real_new_face(library, path, index, face);
    if (r == 0 && face != NULL)
        new_life(*(void **)face);
    return r;
}
static int done_face(void *face)
{
    int r = real_done_face(face);
    new_life(face);
    return r;
}
static int done_freetype(void *library)
{
    int r = real_done_freetype(library);
    forget_all();
    return r;
}
static int done_library(void *library)
{
    int r = real_done_library(library);
    forget_all();
    return r;
}

typedef struct {
    const char *name;
    void **real;   /* where FreeType's own function is kept */
    void *wrapper;
    void **slot;   /* its table entry, NULL where the object has none */
} Forgetting;
static Forgetting forgetting[] = {
    {"FT_New_Memory_Face", (void **)&real_new_memory_face, (void *)new_memory_face, NULL},
    {"FT_Open_Face", (void **)&real_open_face, (void *)open_face, NULL},
    {"FT_New_Face", (void **)&real_new_face, (void *)new_face, NULL},
    {"FT_Done_Face", (void **)&real_done_face, (void *)done_face, NULL},
    {"FT_Done_FreeType", (void **)&real_done_freetype, (void *)done_freetype, NULL},
    {"FT_Done_Library", (void **)&real_done_library, (void *)done_library, NULL},
};
#define N_FORGETTING (sizeof(forgetting) / sizeof(forgetting[0]))

/* The loaded object that holds `address`, and its read-only-after-relocation range. */
typedef struct {
    uintptr_t address;
    int found;
    struct dl_phdr_info info;
    uintptr_t relro_start, relro_end;
} Lookup;

static int holds(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    Lookup *look = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t start = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && start <= look->address && look->address < start + ph->p_memsz) {
            look->found = 1;
            look->info = *info;
            for (int j = 0; j < info->dlpi_phnum; j++) {
                const ElfW(Phdr) *r = &info->dlpi_phdr[j];
                if (r->p_type == PT_GNU_RELRO) {
                    look->relro_start = info->dlpi_addr + r->p_vaddr;
                    look->relro_end = look->relro_start + r->p_memsz;
                }
            }
            return 1;
        }
    }
    return 0;
}

/* The procedure linkage table's entry for `name` in the object, or NULL. */
static void **table_entry(const struct dl_phdr_info *info, const char *name)
{
    const ElfW(Dyn) *dyn = NULL;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_DYNAMIC)
            dyn = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
    if (dyn == NULL)
        return NULL;
    uintptr_t base = info->dlpi_addr;
    const ElfW(Rela) *rela = NULL;
    size_t size = 0;
    long kind = 0;
    const ElfW(Sym) *symbols = NULL;
    const char *strings = NULL;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        /* the loader relocates these addresses in place on most systems, not on all */
        uintptr_t p = dyn->d_un.d_ptr < base ? base + dyn->d_un.d_ptr : dyn->d_un.d_ptr;
        switch (dyn->d_tag) {
        case DT_JMPREL: rela = (const ElfW(Rela) *)p; break;
        case DT_PLTRELSZ: size = dyn->d_un.d_val; break;
        case DT_PLTREL: kind = dyn->d_un.d_val; break;
        case DT_SYMTAB: symbols = (const ElfW(Sym) *)p; break;
        case DT_STRTAB: strings = (const char *)p; break;
        }
    }
    if (rela == NULL || symbols == NULL || strings == NULL || kind != DT_RELA)
        return NULL;
    for (size_t i = 0; i < size / sizeof(ElfW(Rela)); i++)
        if (strcmp(strings + symbols[ELF64_R_SYM(rela[i].r_info)].st_name, name) == 0)
            return (void **)(base + rela[i].r_offset);
    return NULL;
}

static Lookup target;

static int write_entry(void **entry, void *value)
{
    long page_size = sysconf(_SC_PAGESIZE);
    uintptr_t mask = ~(uintptr_t)(page_size - 1);
    void *page = (void *)((uintptr_t)entry & mask);
    /* read-only after relocation: the whole pages of the range, as the loader protects them */
    int relro = (target.relro_start & mask) <= (uintptr_t)page && (uintptr_t)page < (target.relro_end & mask);
    if (mprotect(page, (size_t)page_size, PROT_READ | PROT_WRITE) != 0)
        return -1;
    __atomic_store_n(entry, value, __ATOMIC_RELEASE);
    if (relro)
        mprotect(page, (size_t)page_size, PROT_READ);
    return 0;
}

/* FreeType's own face calls back in the table. */
static void put_back_forgetting(void)
{
    for (size_t k = 0; k < N_FORGETTING; k++)
        if (forgetting[k].slot != NULL)
            write_entry(forgetting[k].slot, *forgetting[k].real);
}

static int installed(void) { return load_slot != NULL && *load_slot == (void *)cached_load; }

/* install(address): put the cache in front of FreeType in the object that holds `address` (a pdfium
 * function's). True when it is in place; False where it cannot be (no such table entry, a layout or
 * memory protection that does not allow it). */
static PyObject *install(PyObject *self, PyObject *args)
{
    (void)self;
    unsigned long long address;
    if (!PyArg_ParseTuple(args, "K", &address))
        return NULL;
    if (installed())
        Py_RETURN_TRUE;
    if (layout_wrong)
        Py_RETURN_FALSE;
    if (load_slot == NULL) {
        Lookup look = {0};
        look.address = (uintptr_t)address;
        dl_iterate_phdr(holds, &look);
        if (!look.found)
            Py_RETURN_FALSE;
        void **slot = table_entry(&look.info, "FT_Load_Glyph");
        /* FreeType's own function, not what the entry holds (under lazy binding, the resolver's stub) */
        void *handle = look.info.dlpi_name && look.info.dlpi_name[0]
                           ? dlopen(look.info.dlpi_name, RTLD_LAZY | RTLD_NOLOAD) : NULL;
        void *load = handle ? dlsym(handle, "FT_Load_Glyph") : NULL;
        if (slot == NULL || load == NULL) {
            if (handle)
                dlclose(handle);
            Py_RETURN_FALSE;
        }
        for (size_t k = 0; k < N_FORGETTING; k++) {
            void **s = table_entry(&look.info, forgetting[k].name);
            void *f = s ? dlsym(handle, forgetting[k].name) : NULL;
            forgetting[k].slot = f ? s : NULL;
            *forgetting[k].real = f;
        }
        dlclose(handle); /* the object stays: pypdfium2 holds it */
        if (entries == NULL && (entries = PyMem_RawCalloc(N_ENTRIES, sizeof(Entry))) == NULL)
            return PyErr_NoMemory();
        pthread_atfork(NULL, NULL, after_fork_in_child);
        target = look;
        load_slot = slot;
        real_load = (load_glyph_fn)load;
    }
    forget_all(); /* faces made or freed while it was out were not seen */
    for (size_t k = 0; k < N_FORGETTING; k++)
        if (forgetting[k].slot != NULL && write_entry(forgetting[k].slot, forgetting[k].wrapper) != 0)
            goto failed;
    if (write_entry(load_slot, (void *)cached_load) != 0)
        goto failed;
    Py_RETURN_TRUE;
failed:
    put_back_forgetting();
    Py_RETURN_FALSE;
}

/* uninstall(): FreeType's own functions back in the table. */
static PyObject *uninstall(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    if (load_slot == NULL)
        Py_RETURN_FALSE;
    write_entry(load_slot, (void *)real_load);
    put_back_forgetting();
    Py_RETURN_TRUE;
}

static PyObject *stats(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    take();
    unsigned long h = hits, m = misses;
    give();
    return Py_BuildValue("{s:O,s:k,s:k,s:O}", "installed", installed() ? Py_True : Py_False, "hits", h,
                         "misses", m, "layout_ok", layout_wrong ? Py_False : Py_True);
}

#else /* not Linux on a 64-bit system: nothing to install */
#define GLYPH_CACHE_SUPPORTED 0
static PyObject *install(PyObject *self, PyObject *args)
{
    (void)self;
    (void)args;
    Py_RETURN_FALSE;
}
static PyObject *uninstall(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    Py_RETURN_FALSE;
}
static PyObject *stats(PyObject *self, PyObject *noargs)
{
    (void)self;
    (void)noargs;
    return Py_BuildValue("{s:O,s:k,s:k,s:O}", "installed", Py_False, "hits", 0UL, "misses", 0UL, "layout_ok", Py_True);
}
#endif

static PyMethodDef methods[] = {
    {"install", install, METH_VARARGS, "install(address) -> bool: the cache before FreeType in the pdfium at address"},
    {"uninstall", uninstall, METH_NOARGS, "uninstall() -> bool: FreeType's own FT_Load_Glyph back"},
    {"stats", stats, METH_NOARGS, "stats() -> {installed, hits, misses, layout_ok}"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_glyph_cache", "A cache of glyph metrics in pdfium.", -1,
                                    methods};

PyMODINIT_FUNC
PyInit__glyph_cache(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "SUPPORTED", GLYPH_CACHE_SUPPORTED) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
