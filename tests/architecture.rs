//! The house's rule, checked from the code: the exporter's top-level modules are layers, listed
//! once, bottom first, in CONTRIBUTING.md; a module may import only from a lower layer (so the
//! two planes, `collectors` and `lss`, side by side on one layer, never import each other), and
//! no files import each other in a circle. Production code only: tests may reach anywhere.
//!
//! It reads every `crate::…` and `super::…` path of `src/` (in `use` lines and inline), after
//! taking out comments, string and char literals and `#[cfg(test)]` items. Also checked: the
//! workspace's crates keep their direction (zpa-api knows neither the simulator nor the
//! exporter; the simulator knows zpa-api only).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The layers of CONTRIBUTING.md's `layers` block: one line per layer, bottom first, the
/// layer's modules after its number.
fn layers() -> BTreeMap<String, usize> {
    let text = fs::read_to_string(root().join("CONTRIBUTING.md")).unwrap();
    let start = text
        .find("<!-- layers: read by tests/architecture.rs -->")
        .expect("CONTRIBUTING.md has the layers block");
    let block = &text[start..];
    let body = block
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a ```text block after the marker");
    let mut out = BTreeMap::new();
    for line in body.lines().filter(|l| !l.trim().is_empty()) {
        let mut words = line.split_whitespace();
        let rank: usize = words.next().unwrap().parse().expect("a layer number first");
        for module in words.take_while(|w| !w.starts_with('—') && !w.starts_with("--")) {
            let module = module.trim_end_matches(',');
            assert!(
                out.insert(module.to_string(), rank).is_none(),
                "{module} is listed twice"
            );
        }
    }
    out
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A file's module path below the crate: `src/lss/log_types/mod.rs` → `[lss, log_types]`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root().join("src")).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// Code without comments, string and char literals (each replaced by a space).
fn strip(code: &str) -> String {
    let b: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r'
            && matches!(next, Some('#') | Some('"'))
            && !ident_char(b.get(i.wrapping_sub(1)))
        {
            // A raw string: r"…" or r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push(' ');
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push(' ');
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push(' ');
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push(' ');
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_char(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// `code` without the items marked `#[cfg(test)]` (a `mod x;` line, or an item and its block).
fn without_tests(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let semicolon = after.find(';');
        let brace = after.find('{');
        rest = match (semicolon, brace) {
            (Some(s), Some(b)) if s < b => &after[s + 1..],
            (_, Some(b)) => {
                let mut depth = 0;
                let mut end = after.len();
                for (i, ch) in after[b..].char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                &after[end..]
            }
            (Some(s), None) => &after[s + 1..],
            (None, None) => "",
        };
    }
    out.push_str(rest);
    out
}

/// Every path a file names from the crate, each as module segments from the crate root: the
/// paths after `crate::` / `$crate::` / `super::`, with `use` groups (`{a, b::c}`) expanded.
fn paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let word_start = i == 0 || !ident_char(chars.get(i - 1));
        let rest: String = chars[i..chars.len().min(i + 7)].iter().collect();
        let (base, skip) = if word_start && rest.starts_with("crate::") {
            (Vec::new(), 7)
        } else if word_start && rest.starts_with("super::") {
            // From `a/b.rs` (module a::b) super is a; from `a/mod.rs` (module a) it is the root.
            let mut base = module.to_vec();
            let mut j = i;
            while chars[j..].iter().collect::<String>().starts_with("super::") {
                base.pop();
                j += 7;
            }
            (base, j - i)
        } else {
            i += 1;
            continue;
        };
        i += skip;
        let (tree, used) = parse_tree(&chars[i..]);
        i += used;
        for p in tree {
            let mut full = base.clone();
            full.extend(p);
            out.push(full);
        }
    }
    out
}

/// A use tree at the start of `chars`: `a::b::{c, d::e}` → [[a,b,c],[a,b,d,e]]; returns the
/// paths and how many chars it read.
fn parse_tree(chars: &[char]) -> (Vec<Vec<String>>, usize) {
    let mut i = 0;
    let mut prefix = Vec::new();
    loop {
        while chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if chars.get(i) == Some(&'{') {
            i += 1;
            let mut all = Vec::new();
            loop {
                while chars.get(i).is_some_and(|c| c.is_whitespace() || *c == ',') {
                    i += 1;
                }
                if chars.get(i) == Some(&'}') || i >= chars.len() {
                    i += 1;
                    break;
                }
                let (inner, used) = parse_tree(&chars[i..]);
                i += used.max(1);
                for p in inner {
                    let mut full = prefix.clone();
                    full.extend(p);
                    all.push(full);
                }
            }
            return (all, i);
        }
        let start = i;
        while ident_char(chars.get(i)) {
            i += 1;
        }
        if start == i {
            return (vec![prefix], i);
        }
        prefix.push(chars[start..i].iter().collect());
        if chars[i..].iter().take(2).collect::<String>() == "::" {
            i += 2;
        } else {
            return (vec![prefix], i);
        }
    }
}

struct Source {
    file: PathBuf,
    module: Vec<String>,
    /// The module paths it names.
    names: Vec<Vec<String>>,
}

fn sources() -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|f| {
            let name = f.file_name().unwrap().to_string_lossy();
            name != "tests.rs" && !name.ends_with("_tests.rs")
        })
        .map(|file| {
            let code = without_tests(&strip(&fs::read_to_string(&file).unwrap()));
            let module = module_of(&file);
            let names = paths(&code, &module);
            Source {
                file,
                module,
                names,
            }
        })
        .collect()
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root()).unwrap().display().to_string()
}

/// The top-level module a path names, when it is one of the crate's.
fn top(path: &[String], tops: &BTreeMap<String, usize>) -> Option<String> {
    path.first().filter(|m| tops.contains_key(*m)).cloned()
}

/// Every import from a module to another on its layer or above, as lines of a report.
fn upward_imports(layers: &BTreeMap<String, usize>, sources: &[Source]) -> Vec<String> {
    let mut bad = BTreeSet::new();
    for s in sources {
        let Some(from) = s.module.first() else {
            continue; // lib.rs and main.rs: the top, above every layer.
        };
        let from_rank = layers[from];
        for name in &s.names {
            let Some(to) = top(name, layers) else {
                continue;
            };
            if &to != from && layers[&to] >= from_rank {
                bad.insert(format!(
                    "{} (layer {from_rank}, {from}) imports {} (layer {}, {to})",
                    rel(&s.file),
                    name.join("::"),
                    layers[&to]
                ));
            }
        }
    }
    bad.into_iter().collect()
}

/// The file that defines the longest prefix of `path`, if any.
fn file_of(path: &[String], by_module: &BTreeMap<Vec<String>, usize>) -> Option<usize> {
    (1..=path.len())
        .rev()
        .find_map(|n| by_module.get(&path[..n].to_vec()).copied())
}

/// Files that import each other in a circle, leaving out a file's imports of its own parent
/// modules (a child naming what its parent declares is how Rust modules work).
fn file_cycles(sources: &[Source]) -> Vec<Vec<String>> {
    let by_module: BTreeMap<Vec<String>, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.module.clone(), i))
        .collect();
    let mut edges: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); sources.len()];
    for (i, s) in sources.iter().enumerate() {
        for name in &s.names {
            let Some(j) = file_of(name, &by_module) else {
                continue;
            };
            let (a, b) = (&s.module, &sources[j].module);
            let ancestor = |x: &Vec<String>, y: &Vec<String>| y.starts_with(x);
            if i != j && !ancestor(b, a) && !ancestor(a, b) {
                edges[i].insert(j);
            }
        }
    }
    // Tarjan's strongly connected components; any with two files or more is a circle.
    struct State<'a> {
        edges: &'a [BTreeSet<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        found: Vec<Vec<usize>>,
    }
    fn visit(v: usize, st: &mut State) {
        st.index[v] = Some(st.next);
        st.low[v] = st.next;
        st.next += 1;
        st.stack.push(v);
        st.on_stack[v] = true;
        for &w in st.edges[v].iter() {
            match st.index[w] {
                None => {
                    visit(w, st);
                    st.low[v] = st.low[v].min(st.low[w]);
                }
                Some(iw) if st.on_stack[w] => st.low[v] = st.low[v].min(iw),
                _ => {}
            }
        }
        if Some(st.low[v]) == st.index[v] {
            let mut component = Vec::new();
            while let Some(w) = st.stack.pop() {
                st.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                st.found.push(component);
            }
        }
    }
    let n = sources.len();
    let mut st = State {
        edges: &edges,
        index: vec![None; n],
        low: vec![0; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in 0..n {
        if st.index[v].is_none() {
            visit(v, &mut st);
        }
    }
    st.found
        .into_iter()
        .map(|c| c.into_iter().map(|i| rel(&sources[i].file)).collect())
        .collect()
}

#[test]
fn every_module_is_on_a_layer_and_imports_only_downwards() {
    let layers = layers();
    let sources = sources();
    let tops: BTreeSet<&String> = sources.iter().filter_map(|s| s.module.first()).collect();
    for module in &tops {
        assert!(
            layers.contains_key(*module),
            "src/{module} is on no layer: add it to the layers block of CONTRIBUTING.md"
        );
    }
    for module in layers.keys() {
        assert!(
            tops.contains(module),
            "CONTRIBUTING.md's layers name {module}, which src/ does not have"
        );
    }
    let bad = upward_imports(&layers, &sources);
    assert!(
        bad.is_empty(),
        "imports that run up or sideways:\n{}",
        bad.join("\n")
    );
}

#[test]
fn no_files_import_each_other_in_a_circle() {
    let cycles = file_cycles(&sources());
    assert!(cycles.is_empty(), "import circles: {cycles:#?}");
}

/// The checks themselves: an upward import, a sideways one between the planes and a circle are
/// found in code written for the purpose.
#[test]
fn the_checks_catch_what_they_are_for() {
    let layers: BTreeMap<String, usize> = [("low", 0), ("left", 1), ("right", 1), ("high", 2)]
        .map(|(m, r)| (m.to_string(), r))
        .into_iter()
        .collect();
    let source = |module: &[&str], code: &str| {
        let module: Vec<String> = module.iter().map(|s| s.to_string()).collect();
        Source {
            file: root().join("src").join(module.join("/") + ".rs"),
            names: paths(&without_tests(&strip(code)), &module),
            module,
        }
    };
    let sources = vec![
        source(
            &["low"],
            "use crate::high::Thing; // crate::left in a comment",
        ),
        source(&["left"], "use crate::{low::A, right::{B, c::D}};"),
        source(
            &["high"],
            "fn f() { let s = \"crate::left::X\"; crate::low::go(); }",
        ),
        source(
            &["right"],
            "#[cfg(test)]\nmod tests { use crate::high::T; }\nuse super::low::E;",
        ),
    ];
    let bad = upward_imports(&layers, &sources);
    assert_eq!(bad.len(), 3, "{bad:#?}");
    assert!(
        bad[0].contains("src/left.rs (layer 1, left) imports right::B"),
        "{bad:#?}"
    );
    assert!(
        bad[1].contains("src/left.rs (layer 1, left) imports right::c::D"),
        "{bad:#?}"
    );
    assert!(
        bad[2].contains("src/low.rs (layer 0, low) imports high::Thing"),
        "{bad:#?}"
    );

    let circle = vec![
        source(&["a", "x"], "use super::y::Y;"),
        source(&["a", "y"], "use crate::a::x::X;"),
        source(&["a"], "pub use x::X; use self::y::Y;"),
    ];
    let cycles = file_cycles(&circle);
    assert_eq!(cycles.len(), 1, "x and y, not their parent: {cycles:#?}");
    assert_eq!(cycles[0].len(), 2);
}

/// Reads the `[dependencies]` table's crate names of a manifest.
fn dependencies(manifest: &str) -> BTreeSet<String> {
    let text = fs::read_to_string(root().join(manifest)).unwrap();
    let mut out = BTreeSet::new();
    let mut inside = false;
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            inside = line == "[dependencies]";
        } else if inside && !line.is_empty() && !line.starts_with('#') {
            let name = line.split(['=', '.', ' ']).next().unwrap().trim();
            out.insert(name.to_string());
        }
    }
    out
}

#[test]
fn the_crates_keep_their_direction() {
    let api = dependencies("crates/zpa-api/Cargo.toml");
    assert!(
        !api.contains("zpa-simulator") && !api.contains("zpa-exporter"),
        "{api:?}"
    );
    let sim = dependencies("crates/zpa-simulator/Cargo.toml");
    assert!(sim.contains("zpa-api"), "{sim:?}");
    assert!(
        !sim.contains("zpa-exporter"),
        "the simulator must not know the exporter"
    );
    let exporter = dependencies("Cargo.toml");
    assert!(
        exporter.contains("zpa-api") && exporter.contains("zpa-simulator"),
        "{exporter:?}"
    );
}
