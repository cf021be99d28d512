"""AmoebaNet-A in TF1 graph mode, written from shared/amoebanet-spec.md (sections A and B).

The builder creates plain variables with the checkpoint names of section B (slim style: `<scope>/weights`,
`depthwise_weights`, `pointwise_weights`, BatchNorm `beta/gamma/moving_mean/moving_variance`) and no values: every
variable starts at zero and the caller loads numpy values by name (`weights.py`).  Three modes:

* ``inference``: BatchNorm uses the moving statistics (FusedBatchNorm), no dropout, no drop-path;
* ``train``:     BatchNorm uses batch statistics and registers moving-average updates in UPDATE_OPS,
                 drop-path (keep 0.7, scaled by cell depth) and dense dropout (keep 0.5);
* ``calibrate``: BatchNorm normalises by the batch statistics of its actual input and records them, so one forward
                 pass yields the statistics a BN-by-BN calibration in dependency order would give.
"""
from dataclasses import dataclass

import tensorflow as tf

v1 = tf.compat.v1

# A.7: AmoebaNet-A normal cell (stride 1, output 4F channels).
NORMAL_OPS = ["avg_pool_3x3", "max_pool_3x3", "separable_3x3_2", "none", "none", "avg_pool_3x3",
              "separable_3x3_2", "separable_5x5_2", "avg_pool_3x3", "separable_3x3_2"]
NORMAL_IDX = [0, 0, 1, 1, 0, 1, 0, 2, 5, 0]
NORMAL_USED = [1, 0, 1, 0, 0, 1, 0]

# A.8: AmoebaNet-A reduction cell (stride 2, output 5F channels), also the stem cells.
REDUCTION_OPS = ["separable_3x3_2", "avg_pool_3x3", "max_pool_3x3", "separable_7x7_2", "max_pool_3x3",
                 "max_pool_3x3", "separable_3x3_2", "1x7_7x1", "avg_pool_3x3", "separable_7x7_2"]
REDUCTION_IDX = [1, 0, 0, 2, 1, 0, 4, 0, 1, 0]
REDUCTION_USED = [1, 1, 0, 0, 0, 0, 0]

MODES = ("inference", "train", "calibrate")


@dataclass(frozen=True)
class AmoebaNetConfig:
    """Hyper-parameters of one AmoebaNet-A network (A.1)."""
    num_cells: int = 18            # normal cells in total (3 stacks)
    filters: int = 448             # reduction_size F
    num_classes: int = 1001        # 0 builds a feature-vector network without the FC layer
    image_size: int = 331
    stem_filters: int = 32         # stem_reduction_size
    num_stem_cells: int = 2
    epsilon: float = 1e-5
    bn_decay: float = 0.9997
    drop_path_keep_prob: float = 0.7
    dense_keep_prob: float = 0.5

    def __post_init__(self):
        if self.num_cells % 3 != 0 or self.num_cells <= 0:
            raise ValueError(f"num_cells must be a positive multiple of 3, got {self.num_cells}")
        if int(int(self.filters * 0.25) / 4) < 1:
            raise ValueError(f"filters={self.filters} leaves the stem 1x7_7x1 bottleneck without channels; use >= 16")

    @property
    def reduction_indices(self):
        return [int(self.num_cells * 1 / 3), int(self.num_cells * 2 / 3)]

    @property
    def num_features(self):
        return 4 * self.filters * 4  # last stack: F·4, normal cell output 4F


class AmoebaNetBuilder:
    """Builds one AmoebaNet-A graph; create a new builder per graph."""

    def __init__(self, config: AmoebaNetConfig, mode: str):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.config = config
        self.mode = mode
        self.calibration = []   # (bn scope name, batch mean, batch variance) in dependency order
        self.bn_scopes = []     # every BatchNorm scope in creation order
        self._total_cells = config.num_cells + len(config.reduction_indices)

    # ----- variables and layers -------------------------------------------------------------------

    @staticmethod
    def _variable(name, shape, trainable=True):
        return v1.get_variable(name, shape=shape, dtype=tf.float32, initializer=v1.zeros_initializer(),
                               trainable=trainable)

    def _conv(self, x, filters, kernel, stride, scope, padding="SAME"):
        kh, kw = kernel
        sh, sw = stride
        with v1.variable_scope(scope):
            w = self._variable("weights", [kh, kw, int(x.shape[-1]), filters])
            return tf.nn.conv2d(x, w, strides=[1, sh, sw, 1], padding=padding)

    def _separable_conv(self, x, filters, k, stride, scope):
        cin = int(x.shape[-1])
        with v1.variable_scope(scope):
            dw = self._variable("depthwise_weights", [k, k, cin, 1])
            pw = self._variable("pointwise_weights", [1, 1, cin, filters])
            y = tf.nn.depthwise_conv2d(x, dw, strides=[1, stride, stride, 1], padding="SAME")
            return tf.nn.conv2d(y, pw, strides=[1, 1, 1, 1], padding="VALID")

    def _batch_norm(self, x, scope):
        c = int(x.shape[-1])
        eps = self.config.epsilon
        with v1.variable_scope(scope) as vs:
            beta = self._variable("beta", [c])
            gamma = self._variable("gamma", [c])
            mean = self._variable("moving_mean", [c], trainable=False)
            var = self._variable("moving_variance", [c], trainable=False)
            self.bn_scopes.append(vs.name)
            if self.mode == "inference":
                y, _, _ = v1.nn.fused_batch_norm(x, gamma, beta, mean=mean, variance=var, epsilon=eps,
                                                 is_training=False)
                return y
            if self.mode == "train":
                y, batch_mean, batch_var = v1.nn.fused_batch_norm(x, gamma, beta, epsilon=eps, is_training=True)
                d = self.config.bn_decay
                v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, v1.assign(mean, mean * d + batch_mean * (1 - d)))
                v1.add_to_collection(v1.GraphKeys.UPDATE_OPS, v1.assign(var, var * d + batch_var * (1 - d)))
                return y
            batch_mean, batch_var = tf.nn.moments(x, axes=[0, 1, 2])
            self.calibration.append((vs.name, batch_mean, batch_var))
            return (x - batch_mean) * tf.math.rsqrt(batch_var + eps) * gamma + beta

    def _drop_path(self, x, cell_number):
        if self.mode != "train" or self.config.drop_path_keep_prob >= 1.0:
            return x
        ratio = (cell_number + 1) / float(self._total_cells)
        keep = 1.0 - ratio * (1.0 - self.config.drop_path_keep_prob)
        noise = keep + v1.random_uniform([tf.shape(x)[0], 1, 1, 1], dtype=tf.float32)
        return x / keep * tf.floor(noise)

    # ----- cell pieces ----------------------------------------------------------------------------

    def _factorized_reduction(self, x, filters):
        """A.6.5, stride 2: two 1x1 convs on the even and the shifted-by-one pixel grids, concat, BN."""
        half = int(filters / 2)
        path1 = tf.nn.avg_pool2d(x, ksize=1, strides=2, padding="VALID")
        path1 = self._conv(path1, half, (1, 1), (1, 1), "path1_conv")
        path2 = tf.pad(x, [[0, 0], [0, 1], [0, 1], [0, 0]])[:, 1:, 1:, :]
        path2 = tf.nn.avg_pool2d(path2, ksize=1, strides=2, padding="VALID")
        path2 = self._conv(path2, half, (1, 1), (1, 1), "path2_conv")
        return self._batch_norm(tf.concat([path1, path2], axis=3), "final_path_bn")

    def _reduce_prev_layer(self, prev, current, filters):
        if prev is None:
            return current
        if int(prev.shape[2]) != int(current.shape[2]):
            return self._factorized_reduction(tf.nn.relu(prev), filters)
        if int(prev.shape[3]) != filters:
            y = self._conv(tf.nn.relu(prev), filters, (1, 1), (1, 1), "prev_1x1")
            return self._batch_norm(y, "prev_bn")
        return prev

    def _operation(self, x, op, filters, stride):
        cin = int(x.shape[-1])
        if op.startswith("separable_"):
            _, size, repeats = op.split("_")
            k = int(size.split("x")[0])
            for r in range(int(repeats)):
                x = tf.nn.relu(x)
                x = self._separable_conv(x, filters, k, stride if r == 0 else 1, f"separable_{k}x{k}_{r + 1}")
                x = self._batch_norm(x, f"bn_sep_{k}x{k}_{r + 1}")
            return x
        if op in ("avg_pool_3x3", "max_pool_3x3"):
            pool = tf.nn.avg_pool2d if op.startswith("avg") else tf.nn.max_pool2d
            x = pool(x, ksize=3, strides=stride, padding="SAME")
            if cin != filters:
                x = self._conv(x, filters, (1, 1), (1, 1), "1x1")
                x = self._batch_norm(x, "bn_1")
            return x
        if op == "none":
            if stride == 1 and cin == filters:
                return x
            x = self._conv(tf.nn.relu(x), filters, (1, 1), (stride, stride), "1x1")
            return self._batch_norm(x, "bn_1")
        if op == "1x7_7x1":
            r = int(filters / 4)
            x = self._batch_norm(self._conv(tf.nn.relu(x), r, (1, 1), (1, 1), "pre_1x1"), "pre_bn")
            x = self._batch_norm(self._conv(tf.nn.relu(x), r, (1, 7), (1, stride), "1x7"), "bn_1x7_7x1")
            x = self._batch_norm(self._conv(tf.nn.relu(x), r, (7, 1), (stride, 1), "7x1"), "bn")
            return self._batch_norm(self._conv(tf.nn.relu(x), filters, (1, 1), (1, 1), "post_1x1"), "post_bn")
        raise ValueError(f"unknown operation {op}")

    def _cell(self, scope, x, prev, filters, stride, reduction, cell_number):
        ops, idx, used = (REDUCTION_OPS, REDUCTION_IDX, REDUCTION_USED) if reduction else \
            (NORMAL_OPS, NORMAL_IDX, NORMAL_USED)
        with v1.variable_scope(scope):
            h1 = self._reduce_prev_layer(prev, x, filters)
            h0 = self._batch_norm(self._conv(tf.nn.relu(x), filters, (1, 1), (1, 1), "1x1"), "beginning_bn")
            states = [h0, h1]
            for i in range(5):
                with v1.variable_scope(f"comb_iter_{i}"):
                    sides = []
                    for side, k in (("left", 2 * i), ("right", 2 * i + 1)):
                        with v1.variable_scope(side):
                            source = idx[k]
                            y = self._operation(states[source], ops[k], filters, stride if source < 2 else 1)
                            if ops[k] != "none":
                                y = self._drop_path(y, cell_number)
                        sides.append(y)
                    with v1.variable_scope("combine"):
                        states.append(sides[0] + sides[1])
            with v1.variable_scope("cell_output"):
                last = states[-1]
                kept = [s for s, u in zip(states, used) if u == 0]
                for s in kept:
                    if int(s.shape[2]) != int(last.shape[2]) or int(s.shape[3]) != int(last.shape[3]):
                        raise NotImplementedError(f"{scope}: cell_output reduction is not used by AmoebaNet-A")
                return tf.concat(kept, axis=3)

    # ----- the network ----------------------------------------------------------------------------

    def build(self, images):
        """images: float32 [batch, H, W, 3] in [0, 1].  Returns (logits or None, end_points dict)."""
        cfg = self.config
        end_points = {}
        x = images * 2.0 - 1.0  # A.3: the module maps [0, 1] to [-1, 1]
        with v1.variable_scope("stem"):
            net = self._conv(x, cfg.stem_filters, (3, 3), (2, 2), "conv0", padding="VALID")
            net = self._batch_norm(net, "conv0_bn")
        outputs = [net]
        scaling = 1.0 / (2 ** cfg.num_stem_cells)
        cell_number = 0
        for i in range(cfg.num_stem_cells):
            prev = outputs[-2] if len(outputs) > 1 else None
            net = self._cell(f"cell_stem_{i}", outputs[-1], prev, int(cfg.filters * scaling), 2, True, cell_number)
            outputs.append(net)
            scaling *= 2
        reduction_number = 0
        for i in range(cfg.num_cells):
            if i in cfg.reduction_indices:
                scaling *= 2
                net = self._cell(f"reduction_cell_{reduction_number}", outputs[-1], outputs[-2],
                                 int(cfg.filters * scaling), 2, True, cell_number)
                outputs.append(net)
                reduction_number += 1
                cell_number += 1
            net = self._cell(f"cell_{i}", outputs[-1], outputs[-2], int(cfg.filters * scaling), 1, False,
                             cell_number)
            outputs.append(net)
            cell_number += 1
        with v1.variable_scope("final_layer"):
            net = tf.nn.relu(net)
            global_pool = tf.reduce_mean(net, axis=[1, 2], name="global_pool")
            end_points["global_pool"] = global_pool
            if not cfg.num_classes:
                return None, end_points
            if self.mode == "train" and cfg.dense_keep_prob < 1.0:
                net = tf.nn.dropout(global_pool, rate=1.0 - cfg.dense_keep_prob)
            else:
                net = global_pool
            with v1.variable_scope("FC"):
                w = self._variable("weights", [int(net.shape[-1]), cfg.num_classes])
                b = self._variable("biases", [cfg.num_classes])
                logits = tf.nn.bias_add(tf.matmul(net, w), b, name="logits")
        end_points["logits"] = logits
        end_points["predictions"] = tf.nn.softmax(logits, name="predictions")
        return logits, end_points
