import { Field } from '../../core/http/field.decorators';

export const TOAST_VARIANTS = ['info', 'success', 'warning', 'error'] as const;
export type ToastVariant = (typeof TOAST_VARIANTS)[number];

export class ShowToastDto {
  @Field.string({ optional: true })
  title?: string;

  @Field.string()
  message: string;

  @Field.enum(TOAST_VARIANTS)
  variant: ToastVariant;

  // The reference says `exclusiveMinimum: 0`: the same for integers.
  @Field.int({
    optional: true,
    positive: true,
    description: 'How long the toast stays, in milliseconds (5000 when not given)',
  })
  duration?: number;
}
