#!/usr/bin/env python3
"""Rebuild a lane's model in PyTorch from the playground's safetensors export.

    python3 scripts/to-pytorch.py SGDM-step937.safetensors [--data eval.safetensors]
        [--expect logits.safetensors] [--save model.pt] [--state-dict torch.safetensors]

Reads the weights and their metadata (model, input shape, classes, normalization) and builds the
equivalent nn.Sequential, which takes normalized images in PyTorch's NCHW layout:
  * dense kernels [in, out] become Linear weights [out, in];
  * conv kernels [kh, kw, in, out] become Conv2d weights [out, in, kh, kw], after a ZeroPad2d with
    TensorFlow's 'same' padding ((k - 1) // 2 before, k // 2 after: for an even k not Conv2d's padding);
  * the first dense layer reads the engine's H*W*C flatten, so its input columns are reordered to
    nn.Flatten's C*H*W.
--data runs it on the exported eval samples (x [n, h, w, c] normalized, as `npm run experiment --
--save-eval-data` writes them) and prints accuracy; --expect compares its logits with the engine's
(a tensor "logits") and exits with status 1 beyond 1e-4 relative. --save writes the model with
torch.save; --state-dict writes its state dict as safetensors (the app imports that back).
Needs only torch and numpy (the safetensors files are read and written here).
"""
import argparse
import json
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

DTYPES = {"F32": np.float32, "F64": np.float64, "I32": np.int32, "I64": np.int64, "U8": np.uint8}


def read_safetensors(path):
    with open(path, "rb") as f:
        raw = f.read()
    (size,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + size])
    metadata = header.pop("__metadata__", {}) or {}
    base = 8 + size
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        data = np.frombuffer(raw[base + start : base + end], dtype=DTYPES[info["dtype"]])
        tensors[name] = data.reshape(info["shape"]).copy()
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    header, offset, blobs = {}, 0, []
    for name, array in tensors.items():
        data = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def hwc_to_chw_columns(kernel, h, w, c):
    """[h*w*c, out] in H*W*C row order -> Linear weight [out, c*h*w] in C*H*W column order."""
    out = kernel.shape[1]
    return kernel.reshape(h, w, c, out).transpose(2, 0, 1, 3).reshape(c * h * w, out).T


def linear(kernel, bias):
    layer = nn.Linear(kernel.shape[0], kernel.shape[1])
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel.T)))
        layer.bias.copy_(torch.from_numpy(bias))
    return layer


def conv_block(kernel, bias):
    kh, kw, cin, cout = kernel.shape
    conv = nn.Conv2d(cin, cout, (kh, kw), padding=0)
    with torch.no_grad():
        conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1))))
        conv.bias.copy_(torch.from_numpy(bias))
    pad = nn.ZeroPad2d(((kw - 1) // 2, kw // 2, (kh - 1) // 2, kh // 2))
    return [pad, conv, nn.ReLU(), nn.MaxPool2d(2)]


def build(weights, meta):
    spec = meta["model"]
    h, w, c = meta["inputShape"]
    layers = []
    if spec["kind"] == "mlp":
        layers.append(nn.Flatten())
        names = [f"dense{i + 1}" for i in range(len(spec["hidden"]))] + ["head"]
        for i, name in enumerate(names):
            kernel = weights[f"{name}/kernel"]
            if i == 0:
                # Linear takes [in, out] here; reorder its rows from H*W*C to C*H*W.
                kernel = hwc_to_chw_columns(kernel, h, w, c).T
            layers.append(linear(kernel, weights[f"{name}/bias"]))
            if name != "head":
                layers.append(nn.ReLU())
    else:
        layers += conv_block(weights["conv1/kernel"], weights["conv1/bias"])
        layers += conv_block(weights["conv2/kernel"], weights["conv2/bias"])
        h2, w2, c2 = h // 2 // 2, w // 2 // 2, spec["channels"][1]
        layers.append(nn.Flatten())
        layers.append(linear(hwc_to_chw_columns(weights["dense1/kernel"], h2, w2, c2).T, weights["dense1/bias"]))
        layers.append(nn.ReLU())
        layers.append(linear(weights["head/kernel"], weights["head/bias"]))
    return nn.Sequential(*layers).eval()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("weights", help="a .safetensors file the playground exported (app or CLI)")
    parser.add_argument("--data", help="eval samples: x [n, h, w, c] normalized (and y), as --save-eval-data writes them")
    parser.add_argument("--expect", help="the engine's logits for --data (tensor 'logits' [n, classes])")
    parser.add_argument("--save", help="torch.save the model here")
    parser.add_argument("--state-dict", help="write the model's state dict here as safetensors")
    args = parser.parse_args(argv)
    weights, metadata = read_safetensors(args.weights)
    if "flat_minima_playground" not in metadata:
        print(f"{args.weights}: no flat_minima_playground metadata; export the weights from the playground", file=sys.stderr)
        return 2
    meta = json.loads(metadata["flat_minima_playground"])
    model = build(weights, meta)
    print(model)
    if args.data:
        data, _ = read_safetensors(args.data)
        x = torch.from_numpy(data["x"].astype(np.float32)).permute(0, 3, 1, 2)
        with torch.no_grad():
            logits = model(x).numpy()
        if "y" in data:
            accuracy = float((logits.argmax(1) == data["y"].astype(np.int64)).mean())
            print(f"accuracy on {len(x)} samples: {accuracy:.4f}")
        if args.expect:
            expected = read_safetensors(args.expect)[0]["logits"]
            gap = float(np.abs(logits - expected).max() / np.abs(expected).max())
            print(f"largest logit difference from the engine: {gap:.2e} of the largest logit")
            if gap > 1e-4:
                return 1
    if args.save:
        torch.save(model, args.save)
    if args.state_dict:
        write_safetensors(args.state_dict, {k: v.numpy() for k, v in model.state_dict().items()}, {"format": "pt"})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
