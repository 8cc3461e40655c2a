"""The MiniLM encoder as an ONNX Runtime graph, built in memory from the same safetensors weights.

The numpy encoder (`minilm.py`) runs a query in about 25 ms: fine for a search, too slow for the interview's
sentence reader, which reads every evidence sentence of every answer (docs/interview.md, "sentences read by
meaning"). ONNX Runtime runs the same network about twice as fast on one thread, three times on two. Nothing is exported or
downloaded: the graph (six BERT layers: attention, GELU feed-forward, layer norms) is written node by node with
`onnx.helper` around the encoder weights of `model.safetensors`; the word, position and token-type embeddings and
the mean pooling stay in numpy (`OnnxMiniLM` is a `NumpyMiniLM` whose `_layers` run the graph), so the graph holds
only the 42 MB of encoder matrices.

A test holds this encoder to the numpy one (cosine >= 0.9999 on every test sentence).
"""

from __future__ import annotations

import math
import os
import threading
from pathlib import Path

import numpy as np

from aismm_assistant.retrieval.minilm import NumpyMiniLM

OPSET = 17  # LayerNormalization is an ONNX operator from opset 17 on


def _graph_bytes(enc: NumpyMiniLM) -> bytes:
    """The serialised ONNX model of the encoder layers: inputs x (B, L, H) and bias (B, 1, 1, L), output h."""
    from onnx import TensorProto, helper, numpy_helper

    hidden = enc.w["embeddings.word_embeddings.weight"].shape[1]
    head = hidden // enc.heads
    nodes, inits = [], []

    def const(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    const("split_shape", np.array([0, 0, enc.heads, head], dtype=np.int64))
    const("merge_shape", np.array([0, 0, hidden], dtype=np.int64))
    const("scale", np.array(1.0 / math.sqrt(head), dtype=np.float32))
    const("inv_sqrt2", np.array(1.0 / math.sqrt(2.0), dtype=np.float32))
    const("one", np.array(1.0, dtype=np.float32))
    const("half", np.array(0.5, dtype=np.float32))

    def linear(x: str, name: str, out: str) -> str:
        w = const(name + ".wT", enc._t[name + ".weight"])
        b = const(name + ".b", np.asarray(enc.w[name + ".bias"], dtype=np.float32))
        nodes.append(helper.make_node("MatMul", [x, w], [out + "_mm"]))
        nodes.append(helper.make_node("Add", [out + "_mm", b], [out]))
        return out

    def norm(x: str, name: str, out: str) -> str:
        g = const(name + ".g", np.asarray(enc.w[name + ".weight"], dtype=np.float32))
        b = const(name + ".beta", np.asarray(enc.w[name + ".bias"], dtype=np.float32))
        nodes.append(helper.make_node("LayerNormalization", [x, g, b], [out], axis=-1, epsilon=enc.eps))
        return out

    x = "x"
    for i in range(enc.layers):
        p, t = f"encoder.layer.{i}.", f"l{i}_"
        heads = {}
        for part in ("query", "key", "value"):
            y = linear(x, p + "attention.self." + part, t + part)
            nodes.append(helper.make_node("Reshape", [y, "split_shape"], [t + part + "_r"]))
            perm = [0, 2, 3, 1] if part == "key" else [0, 2, 1, 3]
            nodes.append(helper.make_node("Transpose", [t + part + "_r"], [t + part + "_h"], perm=perm))
            heads[part] = t + part + "_h"
        nodes.append(helper.make_node("MatMul", [heads["query"], heads["key"]], [t + "qk"]))
        nodes.append(helper.make_node("Mul", [t + "qk", "scale"], [t + "qk_s"]))
        nodes.append(helper.make_node("Add", [t + "qk_s", "bias"], [t + "qk_b"]))
        nodes.append(helper.make_node("Softmax", [t + "qk_b"], [t + "att"], axis=-1))
        nodes.append(helper.make_node("MatMul", [t + "att", heads["value"]], [t + "ctx_h"]))
        nodes.append(helper.make_node("Transpose", [t + "ctx_h"], [t + "ctx_t"], perm=[0, 2, 1, 3]))
        nodes.append(helper.make_node("Reshape", [t + "ctx_t", "merge_shape"], [t + "ctx"]))
        attn = linear(t + "ctx", p + "attention.output.dense", t + "attn")
        nodes.append(helper.make_node("Add", [x, attn], [t + "res1"]))
        x1 = norm(t + "res1", p + "attention.output.LayerNorm", t + "x1")
        inter = linear(x1, p + "intermediate.dense", t + "inter")
        # GELU, exact form: 0.5 * x * (1 + erf(x / sqrt 2))
        nodes.append(helper.make_node("Mul", [inter, "inv_sqrt2"], [t + "g1"]))
        nodes.append(helper.make_node("Erf", [t + "g1"], [t + "g2"]))
        nodes.append(helper.make_node("Add", [t + "g2", "one"], [t + "g3"]))
        nodes.append(helper.make_node("Mul", [inter, t + "g3"], [t + "g4"]))
        nodes.append(helper.make_node("Mul", [t + "g4", "half"], [t + "gelu"]))
        out = linear(t + "gelu", p + "output.dense", t + "out")
        nodes.append(helper.make_node("Add", [x1, out], [t + "res2"]))
        x = norm(t + "res2", p + "output.LayerNorm", t + "x2")
    nodes.append(helper.make_node("Identity", [x], ["h"]))
    graph = helper.make_graph(
        nodes, "minilm_encoder",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "length", hidden]),
         helper.make_tensor_value_info("bias", TensorProto.FLOAT, ["batch", 1, 1, "length"])],
        [helper.make_tensor_value_info("h", TensorProto.FLOAT, ["batch", "length", hidden])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=8)
    return model.SerializeToString()


class OnnxMiniLM(NumpyMiniLM):
    """The numpy MiniLM (tokenizer, embeddings, padding, pooling) with its encoder layers run by ONNX Runtime."""

    def __init__(self, model_dir: Path) -> None:
        import onnxruntime as ort

        super().__init__(model_dir)
        opts = ort.SessionOptions()
        # two threads: a turn's few sentences are read in about half the time (7.6 vs 12.2 ms a sentence here)
        opts.intra_op_num_threads = max(1, min(2, os.cpu_count() or 1))
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(_graph_bytes(self), opts, providers=["CPUExecutionProvider"])
        self._run_lock = threading.Lock()

    def _layers(self, x: np.ndarray, bias: np.ndarray) -> np.ndarray:
        with self._run_lock:
            (h,) = self.session.run(["h"], {"x": x, "bias": bias})
        return h
