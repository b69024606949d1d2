"""`tailor explore`: the layers on the left, the file tree (or the findings, or the packages)
on the right, as dive users know it. Everything shown was computed before the app starts
(one analysis, every purpose's verdict): the app only moves through it."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import ContentSwitcher, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from imagetailor.analysis.filetree import ImageFiles
from imagetailor.analysis.model import Analysis
from imagetailor.explore.model import FINAL, TreeView
from imagetailor.explore.widgets import FileTree
from imagetailor.policy.findings import CheckReport
from imagetailor.policy.sizes import format_size
from imagetailor.report.console import safe_text

HELP = """\
 tailor explore: keys

 Tab / Shift+Tab  move between the layers and the right pane
 ↑ ↓ PgUp PgDn    move;  Home End  first, last
 Enter Space → ←  open or close a directory
 1 files   2 findings   3 packages
 m     the final image (merged) instead of one layer
 c     changes in this layer only (on/off)
 w     only wasted bytes: entries a later layer hides (on/off)
 /     filter the tree by path (Enter keeps it, Esc clears it)
 p     next purpose for the findings; Enter on a finding shows its path
 ?     this help;   q  quit

 marks: + added  ~ modified  - removed  ! hidden by a later layer
"""


def _short(text: str | None, limit: int) -> str:
    words = " ".join((text or "-").split())
    return words if len(words) <= limit else words[: limit - 1] + "…"


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "close"),
    ]
    DEFAULT_CSS = "HelpScreen { align: center middle; } #help { width: 78; border: round $accent; }"

    def compose(self) -> ComposeResult:
        yield Static(HELP, id="help")


class ExploreApp(App[int]):
    # The footer must fit 80 columns: the pane keys are in the help, no command palette.
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #top { height: 1; background: $boost; }
    #main { height: 1fr; }
    #layers { width: 32; height: 1fr; }
    #right { width: 1fr; }
    #status { height: 1; background: $boost; }
    #filter { display: none; }
    #filter.shown { display: block; }
    FileTree { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "quit"),
        Binding("question_mark", "help", "help"),
        Binding("1", "pane('files')", "files", show=False),
        Binding("2", "pane('findings')", "findings", show=False),
        Binding("3", "pane('packages')", "packages", show=False),
        Binding("m", "final", "merged", show=False),
        Binding("c", "changes", "changes"),
        Binding("w", "wasted", "wasted"),
        Binding("slash", "filter", "filter"),
        Binding("p", "purpose", "purpose"),
    ]

    def __init__(
        self, analysis: Analysis, files: ImageFiles, checks: dict[str, CheckReport]
    ) -> None:
        super().__init__()
        self.analysis = analysis
        self.view = TreeView(files)
        self.checks = checks
        self.purposes = list(checks)
        self.purpose = self.purposes[0] if self.purposes else ""

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="top")
        with Horizontal(id="main"):
            yield OptionList(*self._layer_options(), id="layers")
            with Vertical(id="right"), ContentSwitcher(initial="files", id="panes"):
                with Vertical(id="files"):
                    yield FileTree(self.view, id="tree")
                    yield Input(placeholder="filter paths (Enter keeps, Esc clears)", id="filter")
                yield OptionList(id="findings")
                yield OptionList(*self._package_options(), id="packages")
        yield Static(id="status")
        yield Footer()

    def _layer_options(self) -> list[Option]:
        final = Text(f"final image {format_size(self.analysis.final_size_bytes):>9}")
        options = [Option(final, id="final")]
        for layer in self.analysis.layers:
            # Two lines a layer, as narrow as the pane: the figures, then the instruction's start
            # (the whole instruction is on the top line while the layer is selected).
            size = format_size(layer.size_bytes)
            changes = f"+{layer.files_added} ~{layer.files_modified} -{layer.files_removed}"
            label = safe_text(
                f"#{layer.index:<2} {size:>9} {changes}\n    {_short(layer.created_by, 24)}"
            )
            options.append(Option(label, id=f"layer-{layer.index}"))
        return options

    def _package_options(self) -> list[Option]:
        packages = sorted(self.analysis.packages, key=lambda p: (p.manager, p.name))
        if not packages:
            return [Option(Text("no packages found"), disabled=True)]
        return [Option(safe_text(f"{p.manager:<7} {p.name} {p.version}")) for p in packages]

    def on_mount(self) -> None:
        self._show_findings()
        self._update_top()
        self._update_status()
        self.query_one("#tree", FileTree).focus()

    # --- panes ----------------------------------------------------------------------------

    def _update_top(self) -> None:
        check = self.checks.get(self.purpose)
        verdict = ""
        if check is not None:
            verdict = f"  {self.purpose}: {'fit' if check.fit else 'NOT FIT'}"
        if self.view.layer == FINAL:
            where = "final image"
        else:
            instruction = _short(self.analysis.layers[self.view.layer].created_by, 200)
            where = f"layer {self.view.layer}: {instruction}"
        text = f"{self.analysis.reference}{verdict}  [{where}]"
        self.query_one("#top", Static).update(safe_text(text))

    def _update_status(self) -> None:
        flags = []
        if self.view.changes_only:
            flags.append("changes only")
        if self.view.wasted_only:
            flags.append("wasted only")
        if self.view.filter:
            flags.append(f"filter: {self.view.filter}")
        tree = self.query_one("#tree", FileTree)
        row = tree.current()
        here = f"/{row.path} {format_size(row.size)}" if row is not None else "(empty)"
        count = f"{len(self.view.rows)} rows"
        text = "  ".join([here, count, *flags, "? help"])
        self.query_one("#status", Static).update(safe_text(text))

    def _show_findings(self) -> None:
        findings = self.query_one("#findings", OptionList)
        findings.clear_options()
        check = self.checks.get(self.purpose)
        if check is None:
            return
        state = "fit" if check.fit else "NOT FIT"
        findings.add_option(
            Option(safe_text(f"{self.purpose}: {state} (p: next purpose)"), disabled=True)
        )
        for number, finding in enumerate(check.findings):
            text = safe_text(f"{finding.severity.value:<7} {finding.rule} {finding.message}")
            if finding.path:
                text.append_text(safe_text(f"\n        {finding.path}", "dim"))
            text.append_text(safe_text(f"\n        fix: {_short(finding.fix, 300)}", "dim"))
            findings.add_option(Option(text, id=f"finding-{number}"))
        if not check.findings:
            findings.add_option(Option(Text("no findings"), disabled=True))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id != "layers" or event.option.id is None:
            return
        layer = FINAL if event.option.id == "final" else int(event.option.id.split("-")[1])
        if layer != self.view.layer:
            tree = self.query_one("#tree", FileTree)
            row = tree.current()
            self.view.layer = layer
            tree.reload(keep=row.path if row else None)
            self._update_top()
            self._update_status()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id != "findings" or event.option.id is None:
            return
        check = self.checks[self.purpose]
        finding = check.findings[int(event.option.id.split("-")[1])]
        if finding.path and finding.path.startswith("/"):
            self.show_path(finding.path.lstrip("/"))

    def show_path(self, path: str) -> None:
        """The final image's tree, unfiltered, with the cursor on ``path``."""
        self.view.layer = FINAL
        self.view.filter = ""
        self.view.changes_only = self.view.wasted_only = False
        self.query_one("#layers", OptionList).highlighted = 0
        self.action_pane("files")
        tree = self.query_one("#tree", FileTree)
        number = self.view.reveal(path)
        tree.reload()
        if number is not None:
            tree.move_to(number)
        tree.focus()
        self._update_top()
        self._update_status()

    def on_file_tree_moved(self, event: FileTree.Moved) -> None:
        self._update_status()

    # --- actions --------------------------------------------------------------------------

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_pane(self, name: str) -> None:
        self.query_one("#panes", ContentSwitcher).current = name
        self.query_one("#tree" if name == "files" else f"#{name}").focus()

    def _retree(self) -> None:
        tree = self.query_one("#tree", FileTree)
        row = tree.current()
        tree.reload(keep=row.path if row else None)
        self._update_status()

    def action_final(self) -> None:
        self.query_one("#layers", OptionList).highlighted = 0

    def action_changes(self) -> None:
        self.view.changes_only = not self.view.changes_only
        self._retree()

    def action_wasted(self) -> None:
        self.view.wasted_only = not self.view.wasted_only
        self._retree()

    def action_filter(self) -> None:
        self.action_pane("files")
        field = self.query_one("#filter", Input)
        field.add_class("shown")
        field.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.view.filter = event.value
        self._retree()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#tree", FileTree).focus()

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", "")
        field = self.query_one("#filter", Input)
        if key == "escape" and field.has_focus:
            field.value = ""
            field.remove_class("shown")
            self.query_one("#tree", FileTree).focus()

    def action_purpose(self) -> None:
        if not self.purposes:
            return
        self.purpose = self.purposes[(self.purposes.index(self.purpose) + 1) % len(self.purposes)]
        self._show_findings()
        self._update_top()

    async def action_quit(self) -> None:
        self.exit(0)
