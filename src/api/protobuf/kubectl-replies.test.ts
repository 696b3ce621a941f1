/**
 * @module Rich objects checked against Go: each base64 body below is our encoding of a
 * sample object (testdata/sample-objects.ts) that kubectl 1.33, answering
 * `kubectl create ... -o json` (or `kubectl events -o json`), decoded and printed back
 * unchanged (testdata-gen/capture.ts checks that when it recaptures). So decoding these
 * bytes must give the sample, and encoding the sample must give these bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../types.js';
import { decodeProtobufObject, encodeProtobufObject } from './envelope.js';
import {
  sampleConfigMap,
  sampleDeployment,
  sampleEventList,
  sampleNamespace,
  sampleSecret,
  sampleService,
  sampleServiceAccount,
} from './testdata/sample-objects.js';

const SAMPLES: Record<string, () => KubeObject> = {
  service: sampleService,
  deployment: sampleDeployment,
  namespace: sampleNamespace,
  secret: sampleSecret,
  configMap: sampleConfigMap,
  serviceAccount: sampleServiceAccount,
  eventList: sampleEventList,
};

/** Bytes Go decoded into exactly the sample of the same name. */
const FIXTURES: Record<string, { protobuf: string }> = {
  service: {
    protobuf:
      'azhzAAoNCgJ2MRIHU2VydmljZRKNBgqpAwoDd2ViEgAaB2RlZmF1bHQiACokMGI1YzdhMmUtMWYzZC00YzhlLTlhNmItd2ViMDAwMDAwMDAwMg' +
      'QxMjM0OANCCAil+s2sBhAAWgoKA2FwcBIDd2ViWhAKBHRpZXISCGZyb250ZW5kYgkKBWVtcHR5EgBiQQowa3ViZWN0bC5rdWJlcm5ldGVzLmlv' +
      'L2xhc3QtYXBwbGllZC1jb25maWd1cmF0aW9uEg17ImtpbmQiOiJYIn0KaiAKCUNvbmZpZ01hcBoFb3duZXIiBGExYjIqAnYxMAE4AHIQZXhhbX' +
      'BsZS5jb20va2VlcIoBZQoOa3ViZWN0bC1jcmVhdGUSBlVwZGF0ZRoCdjEiCAil+s2sBhAAMghGaWVsZHNWMToxCi97ImY6bWV0YWRhdGEiOnsi' +
      'ZjpsYWJlbHMiOnsiLiI6e30sImY6YXBwIjp7fX19fUIAigFUChdrdWJlLWNvbnRyb2xsZXItbWFuYWdlchIGVXBkYXRlGgJ2MSIICOL6zawGEA' +
      'AyCEZpZWxkc1YxOhEKD3siZjpzdGF0dXMiOnt9fUIGc3RhdHVzEu4BCiMKBGh0dHASA1RDUBhQIgoIARAAGgRodHRwKIDrATIEaHR0cAoZCgNk' +
      'bnMSA1VEUBg1IgcIABDpKRoAKOXqARIKCgNhcHASA3dlYhoKMTAuOTYuMC4yMCIMTG9hZEJhbGFuY2VyKgoxOTIuMC4yLjEwOghDbGllbnRJUE' +
      'IASgoxMC4wLjAuMC84UgBaBUxvY2FsYJjyAWgBcgUKAwiwVIoBC1NpbmdsZVN0YWNrkgEKMTAuOTYuMC4yMJoBBElQdjSgAQCqAQ5leGFtcGxl' +
      'LmNvbS9sYrIBB0NsdXN0ZXK6AQtQcmVmZXJDbG9zZRpuCkMKLQoJMTkyLjAuMi4xEgAaA1ZJUCIHCFASA1RDUCIQCDUSA1VEUBoHUGVuZGluZw' +
      'oSCgASDmxiLmV4YW1wbGUuY29tEicKBVJlYWR5EgRUcnVlGAIiCAji+s2sBhAAKgJPazIIYWxsIGdvb2QaACIA',
  },
  deployment: {
    protobuf:
      'azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EvMTCqkDCgN3ZWISABoHZGVmYXVsdCIAKiQwYjVjN2EyZS0xZjNkLTRjOGUtOWE2Yi13ZWIwMD' +
      'AwMDAwMDAyBDEyMzQ4A0IICKX6zawGEABaCgoDYXBwEgN3ZWJaEAoEdGllchIIZnJvbnRlbmRiCQoFZW1wdHkSAGJBCjBrdWJlY3RsLmt1YmVy' +
      'bmV0ZXMuaW8vbGFzdC1hcHBsaWVkLWNvbmZpZ3VyYXRpb24SDXsia2luZCI6IlgifQpqIAoJQ29uZmlnTWFwGgVvd25lciIEYTFiMioCdjEwAT' +
      'gAchBleGFtcGxlLmNvbS9rZWVwigFlCg5rdWJlY3RsLWNyZWF0ZRIGVXBkYXRlGgJ2MSIICKX6zawGEAAyCEZpZWxkc1YxOjEKL3siZjptZXRh' +
      'ZGF0YSI6eyJmOmxhYmVscyI6eyIuIjp7fSwiZjphcHAiOnt9fX19QgCKAVQKF2t1YmUtY29udHJvbGxlci1tYW5hZ2VyEgZVcGRhdGUaAnYxIg' +
      'gI4vrNrAYQADIIRmllbGRzVjE6EQoPeyJmOnN0YXR1cyI6e319QgZzdGF0dXMSzQ8IAxIoCgoKA2FwcBIDd2ViEhoKBHRpZXISAkluGghmcm9u' +
      'dGVuZBoEZWRnZRrvDgouCgASABoAIgAqADIAOABCAFoKCgNhcHASA3dlYloQCgR0aWVyEghmcm9udGVuZBK8Dgo6CgNjZmcSM5oBMAoMCgp3ZW' +
      'ItY29uZmlnEhsKCm5naW54LmNvbmYSCm5naW54LmNvbmYYpAMYpAMgAQobCgVjYWNoZRISEhAKBk1lbW9yeRIGCgQ2NE1pCg8KB3NjcmF0Y2gS' +
      'BBICCgAKGQoFY3JlZHMSEDIOCgl3ZWItY3JlZHMYgAIKHwoEaG9zdBIXChUKCC92YXIvbG9nEglEaXJlY3RvcnkKFgoEZGF0YRIOUgwKCHdlYi' +
      '1kYXRhEAEKTAoEaW5mbxJEggFBCh8KBmxhYmVscxIVCgJ2MRIPbWV0YWRhdGEubGFiZWxzCh4KA2NwdRoXCgN3ZWISCmxpbWl0cy5jcHUaBAoC' +
      'MW0KTAoEcHJvahJE0gFBChEiDwoDYXBpEJAcGgV0b2tlbgoaGhgKBAoCY2ESEAoGY2EuY3J0EgZjYS5jcnQKDQoLCgcKBWV4dHJhIAAQpAMSjw' +
      'YKA3dlYhIKbmdpbng6MS4yNxoFbmdpbngiAi1nIgtkYWVtb24gb2ZmOyoEL3NydjIRCgRodHRwEAAYUCIDVENQKgAyIAoHbWV0cmljcxCSlQEY' +
      'gkciA1VEUCoJMTI3LjAuMC4xOgoKBVBMQUlOEgF4OgkKBUVNUFRZEgA6IAoGUE9EX0lQEgAaFAoSCgJ2MRIMc3RhdHVzLnBvZElQOiIKCFBBU1' +
      'NXT1JEEgAaFCISCgQKAmRiEghwYXNzd29yZBgBOiUKBUxJTUlUEgAaGhIYCgASDWxpbWl0cy5tZW1vcnkaBQoDMU1pOhIKAkNNEgAaChoICgMK' +
      'AWMSAWtCYAoNCgNjcHUSBgoENTAwbQoRCgZtZW1vcnkSBwoFMjU2TWkSDQoDY3B1EgYKBDI1MG0SGgoRZXBoZW1lcmFsLXN0b3JhZ2USBQoDMU' +
      'dpEhEKBm1lbW9yeRIHCgUxMjhNaUosCgNjZmcQARoVL2V0Yy9uZ2lueC9uZ2lueC5jb25mIgpuZ2lueC5jb25mMgBKJgoFY2FjaGUQABoGL2Nh' +
      'Y2hlIgAqD0hvc3RUb0NvbnRhaW5lcjIAUjoKLhIsCggvaGVhbHRoehIKCAEQABoEaHR0cBoAIgRIVFRQKgwKB1gtUHJvYmUSATEQBRgBIAooAT' +
      'ADWhgKDBoKCgYIABBQGgASABAAGAAgBSgAMABiMQoaEhgKAS8SBggAEFAaABoJMTI3LjAuMC4xIgASEwoRCgVuZ2lueAoCLXMKBHF1aXRqFC9k' +
      'ZXYvdGVybWluYXRpb24tbG9ncgxJZk5vdFByZXNlbnR6MgoQCglORVRfQURNSU4SA0FMTBAAIOgHKAEwATgAQOgHWhAKDlJ1bnRpbWVEZWZhdW' +
      'x0gAEBiAEAkAEBmgEVCgRDRkdfEg0KCQoHd2ViLWVudhAAmgEWCgAaEgoQCg53ZWItc2VjcmV0LWVudqIBBEZpbGWyASEKEwoRCgNjYXQKCi90' +
      'bXAvcmVhZHkQABgAIAEoADAeOAq6ARIKA2NwdRILTm90UmVxdWlyZWQSUgoHc2lkZWNhchIHYnVzeWJveCIFc2xlZXAiCGluZmluaXR5KgBCAF' +
      'IZCg0iCwioRhIGaGVhbHRoEAAYACAAKAAwAGoAcgCAAQCIAQCQAQCiAQAaBkFsd2F5cyAeMgxDbHVzdGVyRmlyc3Q6GQoQa3ViZXJuZXRlcy5p' +
      'by9vcxIFbGludXhCA3dlYkoDd2ViUgBYAGAAaAByOBDoByC4FyCgHyjQDzoaChJuZXQuY29yZS5zb21heGNvbm4SBDEwMjRKDk9uUm9vdE1pc2' +
      '1hdGNoegkKB3JlZ2NyZWSCAQN3ZWKKAQd3ZWItc3VikgFbCisKFAoSChAKBHpvbmUSAkluGgFhGgFiEhMIChIPCg0KA3NzZBIGRXhpc3RzGiwS' +
      'KghkEiYKDAoKCgNhcHASA3dlYhoWa3ViZXJuZXRlcy5pby9ob3N0bmFtZZoBEWRlZmF1bHQtc2NoZWR1bGVyogE9CgRpbml0EgdidXN5Ym94Gg' +
      'JzaBoCLWMaB2VjaG8gaGkqAEIAagByAIABAIgBAJABAKIBAMIBBkFsd2F5c6gBALIBNgocbm9kZS5rdWJlcm5ldGVzLmlvL25vdC1yZWFkeRIG' +
      'RXhpc3RzGgAiCU5vRXhlY3V0ZSisArIBIwoJZGVkaWNhdGVkEgVFcXVhbBoDd2ViIgpOb1NjaGVkdWxlugEWCgkxMjcuMC4wLjESCWZvby5sb2' +
      'NhbMIBBGhpZ2jIAegH0gExCgcxLjEuMS4xEhFzdmMuY2x1c3Rlci5sb2NhbBoKCgVuZG90cxIBMhoHCgVlZG5zMNgBAeIBEwoRZXhhbXBsZS5j' +
      'b20vcmVhZHnwAQD6ARRQcmVlbXB0TG93ZXJQcmlvcml0eYICDAoDY3B1EgUKAzEwbYoCJwgBEgR6b25lGg1Eb05vdFNjaGVkdWxlIgwKCgoDYX' +
      'BwEgN3ZWIoAqICBwoFbGludXgiJAoNUm9sbGluZ1VwZGF0ZRITCgkIARAAGgMyNSUSBggAEAEaACgFMAo4AUjYBBp1CAMQAxgDIAIoATJlCglB' +
      'dmFpbGFibGUSBFRydWUiGE1pbmltdW1SZXBsaWNhc0F2YWlsYWJsZSokRGVwbG95bWVudCBoYXMgbWluaW11bSBhdmFpbGFiaWxpdHkuMggIpf' +
      'rNrAYQADoICOL6zawGEAA4AkABGgAiAA==',
  },
  namespace: {
    protobuf:
      'azhzAAoPCgJ2MRIJTmFtZXNwYWNlEpgECq4DCgNmb28SABoAIgAqJDBiNWM3YTJlLTFmM2QtNGM4ZS05YTZiLWZvbzAwMDAwMDAwMDIEMTIzND' +
      'gDQggIpfrNrAYQAEoICOL6zawGEABQAFoKCgNhcHASA2Zvb1oQCgR0aWVyEghmcm9udGVuZGIJCgVlbXB0eRIAYkEKMGt1YmVjdGwua3ViZXJu' +
      'ZXRlcy5pby9sYXN0LWFwcGxpZWQtY29uZmlndXJhdGlvbhINeyJraW5kIjoiWCJ9CmogCglDb25maWdNYXAaBW93bmVyIgRhMWIyKgJ2MTABOA' +
      'ByEGV4YW1wbGUuY29tL2tlZXCKAWUKDmt1YmVjdGwtY3JlYXRlEgZVcGRhdGUaAnYxIggIpfrNrAYQADIIRmllbGRzVjE6MQoveyJmOm1ldGFk' +
      'YXRhIjp7ImY6bGFiZWxzIjp7Ii4iOnt9LCJmOmFwcCI6e319fX1CAIoBVAoXa3ViZS1jb250cm9sbGVyLW1hbmFnZXISBlVwZGF0ZRoCdjEiCA' +
      'ji+s2sBhAAMghGaWVsZHNWMToRCg97ImY6c3RhdHVzIjp7fX1CBnN0YXR1cxIMCgprdWJlcm5ldGVzGlcKC1Rlcm1pbmF0aW5nEkgKH05hbWVz' +
      'cGFjZURlbGV0aW9uQ29udGVudEZhaWx1cmUSBUZhbHNlIggI4vrNrAYQACoOQ29udGVudERlbGV0ZWQyBGRvbmUaACIA',
  },
  secret: {
    protobuf:
      'azhzAAoMCgJ2MRIGU2VjcmV0EpwECqkDCgN0bHMSABoHZGVmYXVsdCIAKiQwYjVjN2EyZS0xZjNkLTRjOGUtOWE2Yi10bHMwMDAwMDAwMDAyBD' +
      'EyMzQ4A0IICKX6zawGEABaCgoDYXBwEgN0bHNaEAoEdGllchIIZnJvbnRlbmRiCQoFZW1wdHkSAGJBCjBrdWJlY3RsLmt1YmVybmV0ZXMuaW8v' +
      'bGFzdC1hcHBsaWVkLWNvbmZpZ3VyYXRpb24SDXsia2luZCI6IlgifQpqIAoJQ29uZmlnTWFwGgVvd25lciIEYTFiMioCdjEwATgAchBleGFtcG' +
      'xlLmNvbS9rZWVwigFlCg5rdWJlY3RsLWNyZWF0ZRIGVXBkYXRlGgJ2MSIICKX6zawGEAAyCEZpZWxkc1YxOjEKL3siZjptZXRhZGF0YSI6eyJm' +
      'OmxhYmVscyI6eyIuIjp7fSwiZjphcHAiOnt9fX19QgCKAVQKF2t1YmUtY29udHJvbGxlci1tYW5hZ2VyEgZVcGRhdGUaAnYxIggI4vrNrAYQAD' +
      'IIRmllbGRzVjE6EQoPeyJmOnN0YXR1cyI6e319QgZzdGF0dXMSCQoFZW1wdHkSABInCgd0bHMuY3J0EhwtLS0tLUJFR0lOIENFUlRJRklDQVRF' +
      'LS0tLS0KEhEKB3Rscy5rZXkSBgABAv3+/xoRa3ViZXJuZXRlcy5pby90bHMiEgoEbm90ZRIKcGxhaW4gdGV4dCgBGgAiAA==',
  },
  configMap: {
    protobuf:
      'azhzAAoPCgJ2MRIJQ29uZmlnTWFwEvkFCqkDCgNjZmcSABoHZGVmYXVsdCIAKiQwYjVjN2EyZS0xZjNkLTRjOGUtOWE2Yi1jZmcwMDAwMDAwMD' +
      'AyBDEyMzQ4A0IICKX6zawGEABaCgoDYXBwEgNjZmdaEAoEdGllchIIZnJvbnRlbmRiCQoFZW1wdHkSAGJBCjBrdWJlY3RsLmt1YmVybmV0ZXMu' +
      'aW8vbGFzdC1hcHBsaWVkLWNvbmZpZ3VyYXRpb24SDXsia2luZCI6IlgifQpqIAoJQ29uZmlnTWFwGgVvd25lciIEYTFiMioCdjEwATgAchBleG' +
      'FtcGxlLmNvbS9rZWVwigFlCg5rdWJlY3RsLWNyZWF0ZRIGVXBkYXRlGgJ2MSIICKX6zawGEAAyCEZpZWxkc1YxOjEKL3siZjptZXRhZGF0YSI6' +
      'eyJmOmxhYmVscyI6eyIuIjp7fSwiZjphcHAiOnt9fX19QgCKAVQKF2t1YmUtY29udHJvbGxlci1tYW5hZ2VyEgZVcGRhdGUaAnYxIggI4vrNrA' +
      'YQADIIRmllbGRzVjE6EQoPeyJmOnN0YXR1cyI6e319QgZzdGF0dXMSCQoFZW1wdHkSABIYCgpuZ2lueC5jb25mEgpldmVudHMge30KEhgKCcO8' +
      'bsOvY29kZRILw6kg4pyTIPCfmIAaiQIKBGJsb2ISgAIAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMT' +
      'IzNDU2Nzg5Ojs8PT4/QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9gYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CBgoOE' +
      'hYaHiImKi4yNjo+QkZKTlJWWl5iZmpucnZ6foKGio6SlpqeoqaqrrK2ur7CxsrO0tba3uLm6u7y9vr/AwcLDxMXGx8jJysvMzc7P0NHS09TV1t' +
      'fY2drb3N3e3+Dh4uPk5ebn6Onq6+zt7u/w8fLz9PX29/j5+vv8/f7/IAAaACIA',
  },
  serviceAccount: {
    protobuf:
      'azhzAAoUCgJ2MRIOU2VydmljZUFjY291bnQS5QMKpwMKAnNhEgAaB2RlZmF1bHQiACokMGI1YzdhMmUtMWYzZC00YzhlLTlhNmItc2EwMDAwMD' +
      'AwMDAwMgQxMjM0OANCCAil+s2sBhAAWgkKA2FwcBICc2FaEAoEdGllchIIZnJvbnRlbmRiCQoFZW1wdHkSAGJBCjBrdWJlY3RsLmt1YmVybmV0' +
      'ZXMuaW8vbGFzdC1hcHBsaWVkLWNvbmZpZ3VyYXRpb24SDXsia2luZCI6IlgifQpqIAoJQ29uZmlnTWFwGgVvd25lciIEYTFiMioCdjEwATgAch' +
      'BleGFtcGxlLmNvbS9rZWVwigFlCg5rdWJlY3RsLWNyZWF0ZRIGVXBkYXRlGgJ2MSIICKX6zawGEAAyCEZpZWxkc1YxOjEKL3siZjptZXRhZGF0' +
      'YSI6eyJmOmxhYmVscyI6eyIuIjp7fSwiZjphcHAiOnt9fX19QgCKAVQKF2t1YmUtY29udHJvbGxlci1tYW5hZ2VyEgZVcGRhdGUaAnYxIggI4v' +
      'rNrAYQADIIRmllbGRzVjE6EQoPeyJmOnN0YXR1cyI6e319QgZzdGF0dXMSLAoGU2VjcmV0EgdkZWZhdWx0GghzYS10b2tlbiICdTEqAnYxMgE3' +
      'OgRkYXRhGgkKB3JlZ2NyZWQgARoAIgA=',
  },
  eventList: {
    protobuf:
      'azhzAAoPCgJ2MRIJRXZlbnRMaXN0EoAECggKABICOTkaABJHChsKBGJhcmUSABoHZGVmYXVsdCIAKgAyADgAQgASDgoAEgAaACIAKgAyADoAGg' +
      'AiACoECgASADIAOgBAAEoAUgBiAHIAegASqgMKwgEKCXdlYi0xLjE3YRIAGgdkZWZhdWx0IgAqJDBiNWM3YTJlLTFmM2QtNGM4ZS05YTZiLXdl' +
      'Yi0xLjE3YTAwMDIEMTIzNDgDQggIpfrNrAYQAFoQCgNhcHASCXdlYi0xLjE3YVoQCgR0aWVyEghmcm9udGVuZGIJCgVlbXB0eRIAYkEKMGt1Ym' +
      'VjdGwua3ViZXJuZXRlcy5pby9sYXN0LWFwcGxpZWQtY29uZmlndXJhdGlvbhINeyJraW5kIjoiWCJ9ChI3CgNQb2QSB2RlZmF1bHQaBXdlYi0x' +
      'IgJwMSoCdjEyAjQyOhRzcGVjLmNvbnRhaW5lcnN7d2VifRoGUHVsbGVkIiFTdWNjZXNzZnVsbHkgcHVsbGVkIGltYWdlICJuZ2lueCIqEQoHa3' +
      'ViZWxldBIGbm9kZS0xMggIpfrNrAYQADoICOL6zawGEABABEoGTm9ybWFsUgsIpfrNrAYQgJTvOloNCAMSCQji+s2sBhDoB2IHUHVsbGluZ2oY' +
      'CgROb2RlEgAaBm5vZGUtMSIAKgAyADoAcgdrdWJlbGV0egZub2RlLTEaACIA',
  },
};

/** The sample as JSON carries it (no `undefined` members). */
function plain(obj: KubeObject): KubeObject {
  return JSON.parse(JSON.stringify(obj)) as KubeObject;
}

describe('objects kubectl decoded from our protobuf', () => {
  for (const [name, fx] of Object.entries(FIXTURES)) {
    it(`${name} decodes to the sample`, () => {
      assert.deepEqual(decodeProtobufObject(Buffer.from(fx.protobuf, 'base64')), plain(SAMPLES[name]()));
    });
    it(`${name} encodes to the bytes kubectl accepted`, () => {
      assert.equal(Buffer.from(encodeProtobufObject(plain(SAMPLES[name]()))).toString('base64'), fx.protobuf);
    });
  }
});
