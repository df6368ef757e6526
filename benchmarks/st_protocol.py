"""A Streamlit client at the protocol level: one WebSocket session, no browser.

It speaks what the real frontend speaks on `ws://127.0.0.1:<port>/_stcore/stream`:
binary `BackMsg` protobufs up (`rerun_script` carrying a `ClientState`: query string,
the widgets whose value changed, the page to run, the browser's context), and
`ForwardMsg` protobufs down (`new_session`, `navigation`, `page_info_changed`, `delta`
elements, `script_finished`). Only the widgets this client changes are sent: Streamlit
keeps every other widget at its last value, as it does for a browser that did not touch
them. Elements are read for their widget ids (by label) and for errors: an `exception`
element, an `st.error` alert, or a compile error. The classes are the protobuf classes
Streamlit ships, so the messages cannot drift from the server's version.

Loopback only: `connect` refuses any host but 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

HOST = "127.0.0.1"
FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY: "ok",
    ForwardMsg.FINISHED_WITH_COMPILE_ERROR: "compile error",
    ForwardMsg.FINISHED_EARLY_FOR_RERUN: "stopped for a rerun",
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY: "fragment ok",
}


class ProtocolError(Exception):
    """The server closed the socket, sent nothing in time, or the run went wrong."""


@dataclass
class RunOutcome:
    """What one rerun sent back: its latency, widgets by label, and any errors shown."""

    latency_s: float
    status: str
    widgets: dict[str, str] = field(default_factory=dict)  # label -> widget id
    errors: list[str] = field(default_factory=list)
    graphs: int = 0  # graphviz charts drawn
    # id -> (the value the page shows, whether the server set it this run)
    states: dict[str, tuple[WidgetState, bool]] = field(default_factory=dict)


@dataclass
class _RunReader:
    """Collects one run's ForwardMsgs until its script_finished."""

    outcome: RunOutcome

    def read(self, msg: ForwardMsg, session: StreamlitSession) -> bool:
        kind = msg.WhichOneof("type")
        if kind == "navigation":
            session.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
        elif kind == "page_info_changed":
            session.query_string = msg.page_info_changed.query_string
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            self.outcome.errors.append(
                "compile: " + msg.session_event.script_compilation_exception.message
            )
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        return kind == "script_finished"

    def _element(self, element) -> None:
        kind = element.WhichOneof("type")
        body = getattr(element, kind) if kind else None
        if kind == "exception":
            self.outcome.errors.append(f"exception: {body.type}: {body.message}")
        elif kind == "alert" and body.format == Alert.ERROR:
            self.outcome.errors.append(f"st.error: {body.body[:200]}")
        elif kind == "graphviz_chart" or (kind == "bidi_component" and '"dot"' in body.json):
            self.outcome.graphs += 1  # st.graphviz_chart or our graph view (its data: DOT)
        if kind == "bidi_component":  # a component, named for the key it was mounted with
            self.outcome.widgets[f"component:{body.id.rsplit('-', 1)[-1]}"] = body.id
        elif body is not None and hasattr(body, "id") and hasattr(body, "label") and body.id:
            self.outcome.widgets[body.label] = body.id
            state = shown_state(kind, body)
            if state is not None:
                self.outcome.states[body.id] = (state, bool(getattr(body, "set_value", False)))


class StreamlitSession:
    """One simulated browser tab: a WebSocket session on a local Streamlit server."""

    def __init__(self, port: int, timeout_s: float = 30.0) -> None:
        self.port = port
        self.timeout_s = timeout_s
        self.pages: dict[str, str] = {}  # url path ("" = default page) -> page_script_hash
        self.query_string = ""
        self.widgets: dict[str, str] = {}  # label -> id, from the last finished run
        self.states: dict[str, WidgetState] = {}  # id -> value, as the browser would send
        self._ws: websockets.ClientConnection | None = None
        self.runs_sent = 0  # programs sent through the editor (each needs a new sequence)

    async def connect(self, host: str = HOST) -> None:
        """Open the socket as the frontend does (subprotocol `streamlit`)."""
        if host != HOST:
            raise ValueError("the load test only ever talks to 127.0.0.1")
        url = f"ws://{host}:{self.port}/_stcore/stream"
        self._ws = await websockets.connect(
            url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout_s
        )

    async def rerun(
        self, changes: list[WidgetState] | None = None, page: str | None = None
    ) -> RunOutcome:
        """Send one rerun request and wait for its script_finished; return what came back."""
        await self.send_rerun(changes, page)
        return await self.wait_finished()

    async def send_rerun(
        self, changes: list[WidgetState] | None = None, page: str | None = None
    ) -> None:
        """Send a rerun request without waiting (a tab closed mid-run uses this alone)."""
        if self._ws is None:
            raise ProtocolError("not connected")
        msg = BackMsg()
        state = msg.rerun_script
        if page is not None:  # a page switch starts without the old page's lesson link
            state.page_script_hash = self.pages.get(page, "")
            state.page_name = page
            self.query_string = ""
        else:
            state.page_script_hash = self._current_page
        state.query_string = self.query_string
        current = dict(self.states) if page is None else {}
        for change in changes or []:
            current[change.id] = change
        self.states = current
        state.widget_states.widgets.extend(current.values())
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "UTC", 0, "en-US"
        info.url = f"http://{HOST}:{self.port}/{page or ''}"
        self._current_page = state.page_script_hash
        self._sent_at = time.perf_counter()
        await self._ws.send(msg.SerializeToString())

    _current_page = ""
    _sent_at = 0.0

    async def wait_finished(self) -> RunOutcome:
        """Read ForwardMsgs until the run's script_finished; latency counts from the send."""
        reader = _RunReader(RunOutcome(0.0, ""))
        deadline = self._sent_at + self.timeout_s
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ProtocolError(f"no script_finished within {self.timeout_s:.0f} s")
            try:
                data = await asyncio.wait_for(self._ws.recv(), left)
            except TimeoutError as exc:
                raise ProtocolError(f"no script_finished within {self.timeout_s:.0f} s") from exc
            except websockets.ConnectionClosed as exc:
                raise ProtocolError(f"server closed the socket: {exc}") from exc
            msg = ForwardMsg()
            msg.ParseFromString(data)
            if msg.WhichOneof("type") == "new_session":
                self._current_page = msg.new_session.page_script_hash
            if reader.read(msg, self):
                break
        outcome = reader.outcome
        outcome.latency_s = time.perf_counter() - self._sent_at
        outcome.status = FINISHED.get(msg.script_finished, str(msg.script_finished))
        if outcome.status == "compile error":
            outcome.errors.append("script finished with a compile error")
        self.widgets = outcome.widgets
        self._remember(outcome.states)
        return outcome

    async def next_message(self) -> ForwardMsg:
        """The next message from the server, read raw (for callers that keep sending)."""
        if self._ws is None:
            raise ProtocolError("not connected")
        msg = ForwardMsg()
        msg.ParseFromString(await self._ws.recv())
        return msg

    def _remember(self, shown: dict[str, tuple[WidgetState, bool]]) -> None:
        """Keep what a browser's widget manager keeps: a value per widget still mounted.

        A widget the browser already shows keeps its own value unless the server set a
        new one (`set_value`); widgets no longer drawn are forgotten.
        """
        kept = {}
        for widget_id, (state, server_set) in shown.items():
            own = self.states.get(widget_id)
            kept[widget_id] = own if own is not None and not server_set else state
        self.states = kept

    def widget_id(self, label: str) -> str:
        """The id of the widget labelled `label` in the last run (ProtocolError if absent)."""
        try:
            return self.widgets[label]
        except KeyError as exc:
            raise ProtocolError(f"no widget labelled {label!r} on the page") from exc

    async def close(self) -> None:
        """Close the socket as a closing tab does."""
        if self._ws is not None:
            await self._ws.close()
            self._ws = None


def shown_state(kind: str, body) -> WidgetState | None:
    """The value a browser would report for a widget element, or None for buttons etc."""
    state = WidgetState(id=body.id)
    if kind == "text_area" or kind == "text_input":
        state.string_value = body.value if body.set_value else body.default
    elif kind == "number_input":
        state.double_value = body.value if body.set_value else body.default
    elif kind == "checkbox":
        state.bool_value = body.value if body.set_value else body.default
    elif kind in ("selectbox", "radio"):
        if body.set_value:
            state.string_value = body.raw_value
        elif 0 <= body.default < len(body.options):
            state.string_value = body.options[body.default]
        else:
            return None
    elif kind == "slider" and body.options:  # a select_slider: options by formatted text
        chosen = body.raw_value if body.set_value else [body.options[int(i)] for i in body.default]
        state.string_array_value.data.extend(chosen)
    elif kind == "multiselect":
        chosen = body.raw_values if body.set_value else [body.options[i] for i in body.default]
        state.string_array_value.data.extend(chosen)
    else:
        return None
    return state


def string_state(widget_id: str, value: str) -> WidgetState:
    """A text widget's new value (text_area, selectbox)."""
    return WidgetState(id=widget_id, string_value=value)


def component_state(widget_id: str, state: dict) -> WidgetState:
    """A component's state as its browser side sets it (`setStateValue`): JSON."""
    return WidgetState(id=widget_id, json_value=json.dumps(state))


def code_run_state(session: StreamlitSession, code: str) -> WidgetState:
    """What the lab's editor sends on Ctrl+Enter: its code with a new sequence number."""
    session.runs_sent += 1
    run = {"code": code, "seq": f"protocol-{id(session)}-{session.runs_sent}"}
    return component_state(session.widget_id("component:lab_code_editor"), {"run": run})


def number_state(widget_id: str, value: float) -> WidgetState:
    """A number_input's new value (Streamlit sends them all as doubles)."""
    return WidgetState(id=widget_id, double_value=value)


def select_slider_state(widget_id: str, formatted: str) -> WidgetState:
    """A select_slider's new value: the option as its format_func shows it."""
    state = WidgetState(id=widget_id)
    state.string_array_value.data.append(formatted)
    return state
