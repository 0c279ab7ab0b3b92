// Group normalisation (Wu & He 2018), with instance normalisation as the case groups =
// channels (Ulyanov et al. 2016). tfjs-layers has neither, so this is a custom layer,
// registered so that saved models reload. Statistics are per sample and per group over
// all spatial positions and the group's channels; scale and offset are per channel.
import * as tf from '@tensorflow/tfjs';

export interface GroupNormArgs {
  groups: number;
  epsilon: number;
  name?: string;
}

export class GroupNorm extends tf.layers.Layer {
  static className = 'UnetGroupNorm';
  readonly groups: number;
  readonly epsilon: number;
  private gamma: tf.LayerVariable | null = null;
  private beta: tf.LayerVariable | null = null;

  constructor(args: GroupNormArgs) {
    super(args);
    this.groups = args.groups;
    this.epsilon = args.epsilon;
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const channels = shape[shape.length - 1];
    if (channels === null || channels % this.groups !== 0) {
      throw new Error(`${this.name}: ${channels} channels cannot be split into ${this.groups} groups`);
    }
    this.gamma = this.addWeight('gamma', [channels], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [channels], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const channels = x.shape[x.rank - 1];
      // [N, positions, groups, channels per group]: moments over axes 1 and 3.
      const grouped = x.reshape([x.shape[0], -1, this.groups, channels / this.groups]);
      const { mean, variance } = tf.moments(grouped, [1, 3], true);
      const normalised = grouped.sub(mean).div(variance.add(this.epsilon).sqrt()).reshape(x.shape);
      return normalised.mul(this.gamma!.read()).add(this.beta!.read());
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), groups: this.groups, epsilon: this.epsilon };
  }
}

tf.serialization.registerClass(GroupNorm);
