/**
 * Fixed lists the choosers offer: common regions and storage classes.
 *
 * @module
 */

import type { ChooseItem } from "./app_state.ts";

/** Regions offered by the region chooser (any other name can be typed). */
export const REGIONS: readonly ChooseItem[] = [
  { value: "us-east-1", label: "us-east-1", detail: "AWS N. Virginia; also Wasabi, MinIO, Ceph" },
  { value: "us-east-2", label: "us-east-2", detail: "AWS Ohio" },
  { value: "us-west-1", label: "us-west-1", detail: "AWS N. California" },
  { value: "us-west-2", label: "us-west-2", detail: "AWS Oregon" },
  { value: "ca-central-1", label: "ca-central-1", detail: "AWS Canada" },
  { value: "eu-west-1", label: "eu-west-1", detail: "AWS Ireland" },
  { value: "eu-west-2", label: "eu-west-2", detail: "AWS London" },
  { value: "eu-west-3", label: "eu-west-3", detail: "AWS Paris" },
  { value: "eu-central-1", label: "eu-central-1", detail: "AWS Frankfurt; Wasabi Amsterdam" },
  { value: "eu-north-1", label: "eu-north-1", detail: "AWS Stockholm" },
  { value: "ap-northeast-1", label: "ap-northeast-1", detail: "AWS Tokyo" },
  { value: "ap-southeast-1", label: "ap-southeast-1", detail: "AWS Singapore" },
  { value: "ap-southeast-2", label: "ap-southeast-2", detail: "AWS Sydney" },
  { value: "ap-south-1", label: "ap-south-1", detail: "AWS Mumbai" },
  { value: "sa-east-1", label: "sa-east-1", detail: "AWS São Paulo" },
  {
    value: "us-west-004",
    label: "us-west-004",
    detail: "Backblaze B2 (see your bucket's endpoint)",
  },
  { value: "eu-central-003", label: "eu-central-003", detail: "Backblaze B2 Amsterdam" },
  { value: "auto", label: "auto", detail: "Cloudflare R2" },
];

/** Storage classes offered in Settings ("" means the bucket's default). */
export const STORAGE_CLASSES: readonly ChooseItem[] = [
  { value: "", label: "(bucket default)", detail: "STANDARD on most services" },
  { value: "STANDARD", label: "STANDARD", detail: "frequent access" },
  { value: "STANDARD_IA", label: "STANDARD_IA", detail: "infrequent access, 30-day minimum" },
  { value: "ONEZONE_IA", label: "ONEZONE_IA", detail: "one zone, infrequent access" },
  { value: "INTELLIGENT_TIERING", label: "INTELLIGENT_TIERING", detail: "moves by itself" },
  { value: "GLACIER_IR", label: "GLACIER_IR", detail: "archive, instant retrieval" },
  { value: "GLACIER", label: "GLACIER", detail: "archive, minutes to hours to restore" },
  { value: "DEEP_ARCHIVE", label: "DEEP_ARCHIVE", detail: "cheapest, 12-48 hours to restore" },
];
