//! A DTB read into plain owned values, so two blobs (or a blob and a model of what it should
//! become) can be compared node by node.

use image_formats::fdt::{Fdt, Node};

/// Deepest nesting that [`Tree::read`] follows; deeper blobs are skipped by the targets (the
/// reader itself has no depth limit, the recursion here does).
pub const MAX_DEPTH: usize = 200;

/// One node: its name, its properties in blob order, its children in blob order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tree {
    /// The name with its unit address; `""` for the root.
    pub name: String,
    /// `(name, value)` in blob order.
    pub props: Vec<(String, Vec<u8>)>,
    /// Child nodes in blob order.
    pub children: Vec<Tree>,
}

impl Tree {
    /// Reads the whole tree of a blob that [`Fdt::new`] accepted. Walking a checked blob must
    /// not fail: every error here is a finding, so this panics on one. `None` when the tree is
    /// nested deeper than [`MAX_DEPTH`].
    pub fn read(fdt: &Fdt) -> Option<Tree> {
        let root = fdt.root().expect("the root of a checked blob is readable");
        Self::node(&root, 0)
    }

    fn node(node: &Node, depth: usize) -> Option<Tree> {
        if depth > MAX_DEPTH {
            return None;
        }
        let props = node
            .properties()
            .map(|p| {
                let (name, value) = p.expect("a property of a checked blob is readable");
                (name.to_owned(), value.to_owned())
            })
            .collect();
        let mut children = Vec::new();
        for child in node.children() {
            let child = child.expect("a child of a checked blob is readable");
            children.push(Self::node(&child, depth + 1)?);
        }
        Some(Tree { name: node.name().to_owned(), props, children })
    }

    /// The value of property `name`, the first of that name.
    pub fn prop(&self, name: &str) -> Option<&[u8]> {
        self.props.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_slice())
    }

    /// The first child called exactly `name`.
    pub fn child(&self, name: &str) -> Option<&Tree> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every node in depth-first order with its path components.
    pub fn walk<'t>(
        &'t self,
        path: &mut Vec<&'t str>,
        visit: &mut dyn FnMut(&[&'t str], &'t Tree),
    ) {
        visit(path, self);
        for child in &self.children {
            path.push(&child.name);
            child.walk(path, visit);
            path.pop();
        }
    }
}
