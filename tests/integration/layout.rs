//! The layout shows the flow: no import circle between the top-level modules of `src/`, nor
//! between the files of one module.
//!
//! A module's imports are the `crate::NAME` paths in its files (comments and the
//! `#[cfg(test)]` tail of each file left out), with the names lib.rs re-exports resolved to
//! the module they come from; a file's imports within its module are its `super::NAME` paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Source text without comments and without the test module at its end.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("//") {
        // A `//` inside a string (a URL) is rare in this crate's code; quotes are not tracked.
        out.push_str(&rest[..i]);
        rest = rest[i..].find('\n').map_or("", |j| &rest[i + j..]);
    }
    out.push_str(rest);
    out
}

/// The identifiers following each occurrence of `prefix` (`crate::`, `super::`), including
/// every first name inside a `{...}` group right after it.
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices(prefix) {
        let after = &text[i + prefix.len()..];
        if let Some(group) = after.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for part in inner.split(',') {
                let name = ident(part.trim());
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name = ident(after);
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The circles of a directed graph (strongly connected components of two nodes or more).
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            for m in graph.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        graph.keys().map(|k| (k, reach(k))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for (a, from_a) in &reaches {
        let mut component: Vec<String> = from_a
            .iter()
            .filter(|b| *b != *a && reaches.get(b).is_some_and(|r| r.contains(*a)))
            .cloned()
            .collect();
        if !component.is_empty() {
            component.push((*a).clone());
            component.sort();
            if !out.contains(&component) {
                out.push(component);
            }
        }
    }
    out
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_import_circle_between_top_level_modules() {
    let src = src();
    let mut modules = BTreeSet::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        if name != "bin"
            && name != "lib"
            && (path.is_dir() || name.len() + 3 == path.file_name().unwrap().len())
        {
            modules.insert(name);
        }
    }
    // Names re-exported at the root, by the module they come from.
    let lib = code(&src.join("lib.rs"));
    let mut reexported = BTreeMap::new();
    for line in lib.split(';') {
        let Some(rest) = line.trim().strip_prefix("pub use ") else {
            continue;
        };
        let (module, names) = rest.split_once("::").unwrap_or((rest, ""));
        for name in names
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|n| !n.is_empty())
        {
            reexported.insert(name.to_string(), module.trim().to_string());
        }
    }
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for module in &modules {
        let dir = src.join(module);
        let files = if dir.is_dir() {
            rust_files(&dir)
        } else {
            vec![src.join(format!("{module}.rs"))]
        };
        let edges = graph.entry(module.clone()).or_default();
        for file in files {
            for name in names_after(&code(&file), "crate::") {
                let target = if modules.contains(&name) {
                    Some(name)
                } else {
                    reexported.get(&name).cloned()
                };
                if let Some(t) = target.filter(|t| t != module && modules.contains(t)) {
                    edges.insert(t);
                }
            }
        }
    }
    assert!(graph.len() > 15, "the modules were not found: {graph:?}");
    assert!(
        graph["scenario"].contains("forecast") && graph["forecast"].contains("feed"),
        "the scanner lost the flow's edges: {graph:?}"
    );
    let found = circles(&graph);
    assert!(
        found.is_empty(),
        "import circles between top-level modules: {found:?}"
    );
}

#[test]
fn no_import_circle_between_the_files_of_a_module() {
    let src = src();
    let mut checked = 0;
    for entry in std::fs::read_dir(&src).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() || dir.file_name().is_some_and(|n| n == "bin") {
            continue;
        }
        let files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect();
        let stems: BTreeSet<String> = files
            .iter()
            .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
            .collect();
        let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for file in &files {
            let me = file.file_stem().unwrap().to_string_lossy().to_string();
            if me == "mod" {
                continue;
            }
            let edges = graph.entry(me.clone()).or_default();
            for name in names_after(&code(file), "super::") {
                if name != me && name != "mod" && stems.contains(&name) {
                    edges.insert(name);
                }
            }
        }
        let found = circles(&graph);
        assert!(
            found.is_empty(),
            "import circles between the files of {}: {found:?}",
            dir.display()
        );
        checked += 1;
    }
    assert!(checked >= 8, "only {checked} module folders found");
}

#[test]
fn the_circle_finder_finds_circles() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec!["a"]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
    .collect();
    assert_eq!(circles(&graph), vec![vec!["a", "b", "c"]]);
    assert_eq!(
        names_after("use crate::{error::Error, family::Family};", "crate::"),
        ["error", "family"].into_iter().map(String::from).collect()
    );
}
